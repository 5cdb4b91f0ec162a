"""Imaging's part in the patient lifecycle jobs: export section, purge, erasure."""

import io
import json
import zipfile
from datetime import date, timedelta

from django.utils import timezone
from PIL import Image

from imaging import services
from imaging.models import Annotation, Photo
from imaging.tests import images
from imaging.tests.factories import make_photo
from patients.lifecycle import erasure as erasure_service
from patients.lifecycle.export import build_export, download_export, start_export
from patients.lifecycle.models import PatientExport
from patients.tasks import housekeeping
from patients.tests.factories import make_patient, make_visit
from pixiodoc import blobs

LARGE = (2000, 1500)  # larger than the display rendition: proves the original is sent


def exported(actor, patient) -> tuple[PatientExport, dict[str, bytes]]:
    export = start_export(actor=actor, patient=patient)
    assert build_export(export_uuid=str(export.uuid)) == "ready"
    export.refresh_from_db()
    _name, archive = download_export(actor=actor, export=export)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return export, {n: opened.read(n) for n in opened.namelist()}


def two_patients_with_photos(clinician):
    ada = make_patient(actor=clinician, given_name="Ada", family_name="Lovelace")
    bob = make_patient(
        actor=clinician, given_name="Bartholomew", family_name="Quixotic"
    )
    visit = make_visit(actor=clinician, patient=ada, visit_on=date(2026, 3, 2))
    hand = make_photo(
        actor=clinician,
        visit=visit,
        data=images.jpeg(size=LARGE),
        body_region="hand",
        laterality="left",
        tags="mole, follow-up",
        note="Pigmented lesion, 4 mm",
    )
    face = make_photo(actor=clinician, visit=visit, body_region="face")
    other = make_photo(
        actor=clinician,
        patient=bob,
        data=images.encode(images.drawing(colour=(20, 160, 60)), "JPEG"),
        body_region="knee",
        note="Zebra-striped rash",
        tags="zebra",
    )
    return ada, bob, (hand, face), other


# S31
def test_the_export_holds_the_patients_photos_decrypted_and_nothing_of_another(
    clinician,
):
    ada, bob, (hand, face), other = two_patients_with_photos(clinician)
    services.save_annotation(
        actor=clinician,
        photo=hand,
        shapes=[{"kind": "circle", "x": 0.5, "y": 0.5, "r": 0.1}],
    )

    export, files = exported(clinician, ada)

    assert export.unreadable == 0
    for photo, size in ((hand, LARGE), (face, (640, 480))):
        with Image.open(io.BytesIO(files[f"photos/{photo.uuid}.jpg"])) as image:
            image.verify()
            assert (image.format, image.size) == ("JPEG", size)
    data = json.loads(files["data.json"])
    by_uuid = {p["uuid"]: p for p in data["photos"]}
    assert set(by_uuid) == {str(hand.uuid), str(face.uuid)}
    record = by_uuid[str(hand.uuid)]
    assert record["visit"]["visit_on"] == "2026-03-02"
    assert record["body_region"] == {
        "key": "hand",
        "label": "Hand",
        "snomed_ct": "85562004",
    }
    assert record["laterality"] == {
        "key": "left",
        "label": "left",
        "snomed_ct": "7771000",
    }
    assert record["caption"] == "Hand, left"  # #12: region and side in exports too
    assert record["tags"] == ["mole", "follow-up"]
    assert record["note"] == "Pigmented lesion, 4 mm"
    assert record["uploaded_at"] and record["width"] == 2000
    assert record["annotation"]["shapes"][0]["kind"] == "circle"
    assert by_uuid[str(face.uuid)]["annotation"] is None
    everything = b"".join(files.values())
    other_bytes = blobs.read_blob(
        bob, obj=other.uuid, label="original", name=other.original_blob
    )
    assert other_bytes not in everything
    for trace in (b"Zebra", b"zebra", b"Quixotic", str(other.uuid).encode()):
        assert trace not in everything


def test_an_unreadable_photo_is_counted_and_the_export_still_completes(
    clinician, blob_root
):
    ada, _bob, (hand, face), _other = two_patients_with_photos(clinician)
    (blob_root / face.original_blob).write_bytes(b"not the ciphertext")

    export, files = exported(clinician, ada)

    assert export.status == "ready" and export.unreadable == 1
    assert f"photos/{hand.uuid}.jpg" in files
    assert f"photos/{face.uuid}.jpg" not in files
    data = json.loads(files["data.json"])
    assert data["export"]["unreadable_blobs"] == 1
    record = next(p for p in data["photos"] if p["uuid"] == str(face.uuid))
    assert record["file"] is None and record["unreadable"] is True


def test_a_deleted_photo_not_yet_purged_is_exported_as_held(clinician):
    photo = make_photo(actor=clinician)
    services.delete_photo(actor=clinician, photo=photo, reason="duplicate")
    _export, files = exported(clinician, photo.patient)
    record = json.loads(files["data.json"])["photos"][0]
    assert record["deleted_at"] and f"photos/{photo.uuid}.jpg" in files


def _deleted_days_ago(photo, actor, days):
    services.delete_photo(actor=actor, photo=photo, reason="duplicate")
    Photo.objects.filter(pk=photo.pk).update(
        deleted_at=timezone.now() - timedelta(days=days)
    )


def test_housekeeping_purges_deleted_photos_past_their_grace_only(clinician, settings):
    settings.PHOTO_PURGE_GRACE_DAYS = 30
    old, recent, kept = (make_photo(actor=clinician) for _ in range(3))
    _deleted_days_ago(old, clinician, 31)
    _deleted_days_ago(recent, clinician, 29)

    result = housekeeping()

    assert result["purges"]["imaging-deleted-photos"] == 1
    assert not any(blobs.default_storage.exists(n) for n in old.blob_names())
    for photo in (recent, kept):
        assert all(blobs.default_storage.exists(n) for n in photo.blob_names())
    assert Photo.objects.get(pk=old.pk).purged_at is not None
    assert Photo.objects.get(pk=recent.pk).purged_at is None
    assert housekeeping()["purges"]["imaging-deleted-photos"] == 0


# S32
def test_erasure_removes_photos_their_annotations_and_blobs(clinician, compliance):
    photo = make_photo(actor=clinician)
    services.save_annotation(
        actor=clinician,
        photo=photo,
        shapes=[{"kind": "text", "x": 0, "y": 0, "text": "a"}],
    )
    patient = photo.patient
    assert set(photo.blob_names()) <= set(blobs.blob_names(patient.uuid))
    erasure = erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 1)
    )
    erasure_service.approve_erasure(actor=compliance, erasure=erasure)

    assert erasure_service.run_erasure(request_uuid=str(erasure.uuid)).status == (
        "completed"
    )
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert not Annotation.objects.filter(photo_id=photo.pk).exists()
    assert blobs.blob_names(patient.uuid) == []
    erasure.refresh_from_db()
    assert erasure.erased["rows"]["imaging.Photo"] == 1
