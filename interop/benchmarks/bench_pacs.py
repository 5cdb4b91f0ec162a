"""Pushing 100 photos of 12 MP to a local Orthanc (issue 14, Figures).

Three ways into the same fresh Orthanc, from this process, one after another:
- floor: Orthanc's own REST `POST /instances` of the finished DICOM files
  (encoded before the clock starts);
- STOW-RS and C-STORE: `interop.pushes.deliver` for each photo, the whole job
  path: load the row, ask consent, decrypt the stored original, build the
  DICOM object, send it, record the outcome and its audit event.
Also the transport alone (`interop.senders.send` of prebuilt objects), so the
cost of our own work per photo is visible. Prints time, rate and the ratio to
the floor (target at most 1.5x); never asserts on time (STYLE.md §8).
"""

import os
import time
import uuid

import pytest
import requests
from django.utils import timezone

from interop import dicom, senders
from interop.destinations import add_destination
from interop.models import PacsPush
from interop.pushes import deliver, push_photos

PHOTOS = int(os.environ.get("BENCH_PHOTOS", "100"))


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


def report(name, seconds, floor, megabytes):
    ratio = f", {seconds / floor:.2f}x the floor" if floor else ""
    print(
        f"\n{name}: {seconds:.1f} s, {PHOTOS / seconds:.1f} photos/s, "
        f"{megabytes / seconds:.0f} MB/s{ratio}"
    )


@pytest.mark.bench
def test_push_100_photos_of_12_megapixels(stored_photos, owner, tmp_path):
    patient, photos, original = stored_photos
    for photo in photos:
        photo.patient = patient
    root = f"2.25.{uuid.uuid4().int}"[:40]
    files = [
        dicom.encode(dicom.photo_dataset(photo=p, original=original, root=root))
        for p in photos
    ]
    megabytes = sum(map(len, files)) / 1e6
    print(f"\n{PHOTOS} photos, {megabytes / PHOTOS:.1f} MB each as DICOM")

    with fresh_orthanc(tmp_path, "floor") as orthanc:
        session = requests.Session()
        started = time.perf_counter()
        for content in files:
            session.post(
                f"{orthanc.url}/instances", data=content, timeout=120
            ).raise_for_status()
        floor = time.perf_counter() - started
        assert len(orthanc.get("/instances")) == PHOTOS
    report("REST POST /instances (floor)", floor, 0, megabytes)

    datasets = [
        dicom.photo_dataset(photo=p, original=original, root=root) for p in photos
    ]
    for protocol in ("dicomweb", "dimse"):
        with fresh_orthanc(tmp_path, f"{protocol}-transport") as orthanc:
            destination = _destination(owner, orthanc, protocol, f"t-{protocol}")
            started = time.perf_counter()
            for ds in datasets:
                senders.send(destination=destination, dataset=ds)
            seconds = time.perf_counter() - started
            assert len(orthanc.get("/instances")) == PHOTOS
        report(f"{protocol} transport only", seconds, floor, megabytes)

    for protocol in ("dicomweb", "dimse"):
        with fresh_orthanc(tmp_path, protocol) as orthanc:
            destination = _destination(owner, orthanc, protocol, protocol)
            pushes = push_photos(
                actor=owner, destination=destination, patient=patient, enqueue=False
            )
            started = time.perf_counter()
            states = {deliver(push_uuid=str(p.uuid)).status for p in pushes}
            seconds = time.perf_counter() - started
            assert states == {PacsPush.Status.SENT}
            assert len(orthanc.get("/instances")) == PHOTOS
        report(
            f"{protocol} push (deliver: decrypt, build, send, audit)",
            seconds,
            floor,
            megabytes,
        )
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
