"""Photos in the lifecycle jobs on a real Celery worker (S31, S32).

With DATABASE_URL and REDIS_URL set they run on PostgreSQL and Redis (CI);
without them on the SQLite test file and the embedded filesystem broker. The
worker stores blobs where this test does (MEDIA_ROOT = the test's blob folder).
"""

import io
import json
import zipfile
from datetime import date

import pytest
from PIL import Image

from audit.verify import verify_chain
from imaging.models import Photo
from imaging.tests import images
from imaging.tests.factories import make_photo
from patients.lifecycle import erasure as erasure_service
from patients.lifecycle import export as export_service
from patients.lifecycle.models import ErasureRequest, PatientExport
from patients.models import Patient
from patients.tests.factories import make_patient, make_visit
from patients.tests.worker import start_worker, stop_worker, wait_for
from pixiodoc import blobs

pytestmark = pytest.mark.integration
SIZE = (1800, 1200)  # above the display rendition's 1600 px


@pytest.fixture
def worker(transactional_db, blob_root):
    process = start_worker({"MEDIA_ROOT": str(blob_root)})
    yield process
    stop_worker(process)


# S31
def test_a_worker_exports_one_patients_photos_and_nothing_of_another(clinician, worker):
    ada = make_patient(actor=clinician, given_name="Ada", family_name="Lovelace")
    bob = make_patient(
        actor=clinician, given_name="Bartholomew", family_name="Quixotic"
    )
    visit = make_visit(actor=clinician, patient=ada)
    mine = [
        make_photo(actor=clinician, visit=visit, data=images.jpeg(size=SIZE)),
        make_photo(actor=clinician, visit=visit, body_region="face"),
    ]
    theirs = make_photo(
        actor=clinician,
        patient=bob,
        data=images.encode(images.drawing(colour=(20, 160, 60)), "JPEG"),
        note="Zebra-striped rash",
    )
    export = export_service.start_export(actor=clinician, patient=ada)

    wait_for(
        lambda: PatientExport.objects.get(pk=export.pk).status == "ready",
        what="the export",
    )
    _name, archive = export_service.download_export(actor=clinician, export=export)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        files = {n: opened.read(n) for n in opened.namelist()}
    data = json.loads(files["data.json"])

    assert {p["uuid"] for p in data["photos"]} == {str(p.uuid) for p in mine}
    for photo in mine:
        content = files[f"photos/{photo.uuid}.jpg"]
        assert content == blobs.read_blob(
            ada, obj=photo.uuid, label="original", name=photo.original_blob
        )
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            assert image.size == (photo.width, photo.height)
    assert (mine[0].width, mine[0].height) == SIZE
    everything = b"".join(files.values())
    theirs_bytes = blobs.read_blob(
        bob, obj=theirs.uuid, label="original", name=theirs.original_blob
    )
    assert theirs_bytes not in everything
    for trace in (
        b"Zebra",
        b"Quixotic",
        str(theirs.uuid).encode(),
        str(bob.uuid).encode(),
    ):
        assert trace not in everything


# S32: the erasure end to end, with photos
def test_a_worker_erases_a_patient_with_photos(clinician, compliance, worker):
    first = make_photo(actor=clinician)
    patient = first.patient
    photos = [first, make_photo(actor=clinician, visit=first.visit)]
    names = [n for p in photos for n in p.blob_names()]
    assert all(blobs.default_storage.exists(n) for n in names)
    erasure = erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 20), reason="asked"
    )
    erasure_service.approve_erasure(actor=compliance, erasure=erasure)

    wait_for(
        lambda: ErasureRequest.objects.get(pk=erasure.pk).status == "completed",
        what="the erasure",
    )
    assert not Patient.objects.filter(uuid=patient.uuid).exists()
    assert not Photo.objects.filter(pk__in=[p.pk for p in photos]).exists()
    assert blobs.blob_names(patient.uuid) == []
    assert not any(blobs.default_storage.exists(n) for n in names)
    erasure.refresh_from_db()
    assert erasure.erased["rows"]["imaging.Photo"] == 2
    assert verify_chain(clinician.practice).broken is None
