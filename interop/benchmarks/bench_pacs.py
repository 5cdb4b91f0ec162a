"""Pushing 100 photos of 12 MP to a local Orthanc (issue 14, Figures).

Three ways into the same fresh Orthanc, from this process, one after another:
- floor: Orthanc's own REST `POST /instances` of the finished DICOM files
  (encoded before the clock starts);
- STOW-RS and C-STORE: `interop.pushes.deliver_all` of the 100 pushes, the
  whole job path: load the rows, ask consent, decrypt each stored original,
  build the DICOM object, send it (one connection), record each outcome and
  its audit event.
Also the transport alone (`interop.senders.connection` sending prebuilt
objects), so the cost of our own work per photo is visible. Rounds interleave the five, each into a
fresh Orthanc; prints the median time, rate and ratio to the floor (target at
most 1.5x) with every run; never asserts on time (STYLE.md §8).
"""

import os
import statistics
import time
import uuid

import pytest
import requests
from django.utils import timezone

from interop import dicom, senders
from interop.destinations import add_destination
from interop.models import PacsPush
from interop.pushes import deliver_all, push_photos

PHOTOS = int(os.environ.get("BENCH_PHOTOS", "100"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


@pytest.fixture
def stored_photos(db, settings, tmp_path, owner):
    """PHOTOS rows, each with its own encrypted copy of one 12 MP original."""
    from consent.tests.factories import grant
    from imaging import pipeline
    from imaging.benchmarks.photos import twelve_megapixel_jpeg
    from imaging.models import Photo
    from patients.tests.factories import make_patient, make_visit
    from pixiodoc import blobs
    from pixiodoc.testing import store_blobs_in

    store_blobs_in(settings, tmp_path / "blobs")
    processed = pipeline.process(twelve_megapixel_jpeg())
    original = processed.renditions["original"]
    patient = make_patient(actor=owner)
    grant(patient=patient, witness=owner)
    visit = make_visit(actor=owner, patient=patient)
    photos = []
    for _ in range(PHOTOS):
        photo = Photo(
            uuid=uuid.uuid4(),
            patient=patient,
            visit=visit,
            body_region="hand",
            sha256=processed.sha256,
            byte_size=processed.byte_size,
            width=processed.width,
            height=processed.height,
            uploaded_by=owner,
            thumb_blob="-",
            display_blob="-",
        )
        photo.original_blob = blobs.save_blob(
            patient, obj=photo.uuid, label="original", plaintext=original
        )
        photo.save()
        photos.append(photo)
    return patient, photos, original


def fresh_orthanc(tmp_path, name):
    from interop.testing import orthanc_missing, running_orthanc

    if reason := orthanc_missing():
        pytest.skip(reason)
    return running_orthanc(tmp_path / name)


def median_report(name, samples, floor, megabytes):
    seconds = statistics.median(samples)
    ratio = f", {seconds / floor:.2f}x the floor" if floor else ""
    spread = f" (runs {', '.join(f'{x:.1f}' for x in samples)} s)"
    print(
        f"\n{name}: {seconds:.1f} s, {PHOTOS / seconds:.1f} photos/s, "
        f"{megabytes / seconds:.0f} MB/s{ratio}{spread}"
    )
    return seconds


@pytest.mark.bench
def test_push_100_photos_of_12_megapixels(stored_photos, owner, tmp_path):
    patient, photos, original = stored_photos
    root = f"2.25.{uuid.uuid4().int}"[:40]
    datasets = [
        dicom.photo_dataset(photo=p, original=original, root=root) for p in photos
    ]
    files = [dicom.encode(ds) for ds in datasets]
    megabytes = sum(map(len, files)) / 1e6
    print(
        f"\n{PHOTOS} photos, {megabytes / PHOTOS:.1f} MB each as DICOM, {ROUNDS} rounds"
    )

    def floor(orthanc, round_):
        session = requests.Session()
        for content in files:
            session.post(
                f"{orthanc.url}/instances", data=content, timeout=120
            ).raise_for_status()

    def transport(protocol):
        def run(orthanc, round_):
            destination = _destination(
                owner, orthanc, protocol, f"t{round_}-{protocol}"
            )
            with senders.connection(destination) as pacs:
                for ds in datasets:
                    pacs.send(ds)

        return run

    def job_path(protocol):
        def run(orthanc, round_):
            destination = _destination(
                owner, orthanc, protocol, f"j{round_}-{protocol}"
            )
            pushes = push_photos(
                actor=owner, destination=destination, patient=patient, enqueue=False
            )
            started = time.perf_counter()
            delivered = deliver_all(push_uuids=[str(p.uuid) for p in pushes])
            states = {p.status for p in delivered}
            assert states == {PacsPush.Status.SENT}
            return time.perf_counter() - started  # the rows' writing is not sending

        return run

    modes = {
        "REST POST /instances (floor)": floor,
        "STOW-RS transport only": transport("dicomweb"),
        "C-STORE transport only": transport("dimse"),
        "STOW-RS push (the job: consent, decrypt, build, send, audit)": job_path(
            "dicomweb"
        ),
        "C-STORE push (the job: consent, decrypt, build, send, audit)": job_path(
            "dimse"
        ),
    }
    # Rounds interleave the modes, each into a fresh Orthanc: a loaded machine
    # slows all of them alike rather than whichever ran during the load.
    samples = {name: [] for name in modes}
    for round_ in range(ROUNDS):
        for number, (name, run) in enumerate(modes.items()):
            with fresh_orthanc(tmp_path, f"round{round_}-mode{number}") as orthanc:
                started = time.perf_counter()
                measured = run(orthanc, round_)
                samples[name].append(measured or time.perf_counter() - started)
                assert len(orthanc.get("/instances")) == PHOTOS
    names = list(modes)
    base = median_report(names[0], samples[names[0]], 0, megabytes)
    for name in names[1:]:
        median_report(name, samples[name], base, megabytes)
    print(f"\n(measured {timezone.now():%Y-%m-%d %H:%M} UTC)")


def _destination(owner, orthanc, protocol, name):
    if protocol == "dicomweb":
        return add_destination(actor=owner, name=name, url=orthanc.dicomweb_url)
    return add_destination(
        actor=owner,
        name=name,
        ae_title=orthanc.aet,
        host="127.0.0.1",
        port=orthanc.dicom_port,
    )
