import json

import pytest

from audit.actions import Action
from audit.models import AccessEvent
from imaging import services
from imaging.exceptions import ImagingError, PhotoRefused
from imaging.models import Photo
from imaging.selectors import photos_due_for_purge, photos_for
from imaging.tests import images
from imaging.tests.factories import allow_capture, make_photo
from patients.tests.factories import make_patient, make_visit
from pixiodoc import blobs


def events(action):
    return AccessEvent.objects.filter(action=action)


# S16 S17
def test_a_stored_photo_is_ciphertext_and_reads_back(clinician, blob_root):
    photo = make_photo(actor=clinician, tags="Wound, week 2 ,wound", note="left palm")
    assert photo.tags == "wound,week 2"
    for rendition in ("thumb", "display", "original"):
        raw = (blob_root / photo.blob_name(rendition)).read_bytes()
        assert raw.startswith(b"PXD1")
        assert photo.blob_name(rendition).startswith(f"patients/{photo.patient.uuid}/")
        plain = services.read_rendition(
            actor=clinician, photo=photo, rendition=rendition
        )
        assert plain.startswith(b"\xff\xd8\xff")
    assert events(Action.PHOTO_UPLOADED).get().object_uuid == photo.uuid


def test_a_refused_file_is_audited_without_its_name(clinician):
    visit = make_visit(actor=clinician, patient=make_patient(actor=clinician))
    allow_capture(visit.patient, clinician)
    with pytest.raises(PhotoRefused):
        services.add_photo(
            actor=clinician, visit=visit, data=images.pdf(), body_region="hand"
        )
    event = events(Action.PHOTO_REFUSED).get()
    assert event.reason == "not_an_image" and event.patient_uuid == visit.patient.uuid
    assert Photo.objects.count() == 0


def test_another_practices_member_cannot_add_to_a_visit(clinician, outsider):
    visit = make_visit(actor=clinician, patient=make_patient(actor=clinician))
    with pytest.raises(ImagingError):
        services.add_photo(
            actor=outsider, visit=visit, data=images.jpeg(), body_region="hand"
        )


def test_an_unknown_body_region_is_refused(clinician):
    with pytest.raises(ImagingError, match="body region"):
        make_photo(actor=clinician, body_region="elbowish")


def test_placement_by_capture_date_uses_or_makes_that_days_visit(clinician):
    patient = make_patient(actor=clinician)
    visit = make_visit(actor=clinician, patient=patient)
    photo = make_photo(
        actor=clinician,
        visit=visit,
        data=images.exif_jpeg(taken="2025:03:04 10:20:30"),
        place_by_capture_date=True,
    )
    assert photo.visit != visit and str(photo.visit.visit_on) == "2025-03-04"
    again = make_photo(
        actor=clinician,
        visit=visit,
        data=images.exif_jpeg(taken="2025:03:04 18:00:00"),
        place_by_capture_date=True,
    )
    assert again.visit == photo.visit
    undated = make_photo(actor=clinician, visit=visit, place_by_capture_date=True)
    assert undated.visit == visit


# S18
def test_a_flipped_byte_in_a_blob_is_an_audited_integrity_failure(clinician, blob_root):
    photo = make_photo(actor=clinician)
    path = blob_root / photo.thumb_blob
    data = bytearray(path.read_bytes())
    data[40] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(services.PhotoUnreadable):
        services.read_rendition(actor=clinician, photo=photo, rendition="thumb")
    assert events(Action.PHOTO_INTEGRITY_FAILED).get().object_uuid == photo.uuid


# S18
def test_a_blob_moved_to_another_photo_fails(clinician, blob_root):
    first, second = make_photo(actor=clinician), make_photo(actor=clinician)
    second.patient = first.patient  # even within one patient's key, objects are bound
    (blob_root / second.thumb_blob).write_bytes(
        (blob_root / first.thumb_blob).read_bytes()
    )
    with pytest.raises(services.PhotoUnreadable):
        services.read_rendition(actor=clinician, photo=second, rendition="thumb")


def test_deletion_needs_a_reason_and_a_role(clinician, assistant):
    photo = make_photo(actor=clinician)
    with pytest.raises(ImagingError, match="Say why"):
        services.delete_photo(actor=clinician, photo=photo, reason=" ")
    with pytest.raises(ImagingError, match="Only owners and clinicians"):
        services.delete_photo(actor=assistant, photo=photo, reason="duplicate")
    assert photos_for(member=clinician).filter(pk=photo.pk).exists()


def test_a_deleted_photo_is_gone_at_once_and_audited_without_the_reason(clinician):
    photo = make_photo(actor=clinician)
    services.delete_photo(actor=clinician, photo=photo, reason="wrong patient Jane Roe")
    assert not photos_for(member=clinician).filter(pk=photo.pk).exists()
    photo.refresh_from_db()
    assert photo.deletion_reason == "wrong patient Jane Roe"
    event = events(Action.PHOTO_DELETED).get()
    assert "Jane" not in json.dumps(event.details) and "Jane" not in event.reason


def test_blobs_are_purged_only_after_the_grace_period(clinician, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.PHOTO_PURGE_GRACE_DAYS = 30
    photo = make_photo(actor=clinician)
    services.delete_photo(actor=clinician, photo=photo, reason="duplicate")
    assert list(photos_due_for_purge()) == []
    later = timezone.now() + timedelta(days=31)
    due = list(photos_due_for_purge(now=later))
    assert due == [photo]
    services.purge_photo_blobs(photo=due[0])
    services.purge_photo_blobs(photo=due[0])  # idempotent
    left = set(blobs.blob_names(photo.patient.uuid))
    assert left and not left & set(photo.blob_names())  # the consent's blob stays
    assert list(photos_due_for_purge(now=later)) == []


def test_annotations_are_stored_encrypted_as_vectors(clinician, blob_root):
    from django.db import connection

    photo = make_photo(actor=clinician)
    before = {n: (blob_root / n).read_bytes() for n in photo.blob_names()}
    shapes = [
        {"kind": "arrow", "x1": 0.1, "y1": 0.1, "x2": 0.5, "y2": 0.5},
        {"kind": "circle", "x": 0.5, "y": 0.5, "r": 0.1, "colour": "#ff0000"},
        {"kind": "text", "x": 0.2, "y": 0.8, "text": "new lesion"},
    ]
    annotation = services.save_annotation(actor=clinician, photo=photo, shapes=shapes)
    assert [s["kind"] for s in json.loads(annotation.shapes)] == [
        "arrow",
        "circle",
        "text",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT shapes FROM imaging_annotation")
        (raw,) = cursor.fetchone()
    assert "new lesion" not in raw
    assert before == {n: (blob_root / n).read_bytes() for n in photo.blob_names()}


@pytest.mark.parametrize(
    "shapes",
    [
        [{"kind": "script"}],
        [{"kind": "circle", "x": 5, "y": 0, "r": 1}],
        [{"kind": "text", "x": 0.1, "y": 0.1, "text": ""}],
        {"kind": "arrow"},
    ],
)
def test_bad_marks_are_refused(clinician, shapes):
    photo = make_photo(actor=clinician)
    with pytest.raises(ImagingError):
        services.save_annotation(actor=clinician, photo=photo, shapes=shapes)


def test_capture_needs_treatment_consent_and_says_how_to_fix_it(clinician):
    from consent.services import withdraw_consent

    visit = make_visit(actor=clinician, patient=make_patient(actor=clinician))
    with pytest.raises(ImagingError, match="Record consent"):
        services.add_photo(
            actor=clinician, visit=visit, data=images.jpeg(), body_region="hand"
        )
    allow_capture(visit.patient, clinician)
    services.add_photo(
        actor=clinician, visit=visit, data=images.jpeg(), body_region="hand"
    )
    withdraw_consent(actor=clinician, patient=visit.patient, purpose="treatment")
    with pytest.raises(ImagingError, match="Record consent"):
        services.add_photo(
            actor=clinician, visit=visit, data=images.jpeg(), body_region="hand"
        )
    assert Photo.objects.count() == 1


def test_an_emergency_override_lets_capture_through_and_is_audited(owner, clinician):
    from consent.services import set_override_enabled, start_override

    visit = make_visit(actor=clinician, patient=make_patient(actor=clinician))
    set_override_enabled(actor=owner, enabled=True)
    override = start_override(
        actor=clinician,
        patient=visit.patient,
        reason="Urgent wound photo before surgery, patient sedated",
    )
    photo = services.add_photo(
        actor=clinician, visit=visit, data=images.jpeg(), body_region="hand"
    )
    event = events(Action.PHOTO_UPLOADED).get(object_uuid=photo.uuid)
    assert event.details["override"] == str(override.uuid)


def test_marking_for_teaching_needs_that_consent_and_a_withdrawal_unmarks(clinician):
    from consent.services import withdraw_consent
    from consent.tests.factories import grant

    photo = make_photo(actor=clinician)
    with pytest.raises(ImagingError, match="consent to teaching"):
        services.mark_photo(
            actor=clinician, photo=photo, purpose="teaching", marked=True
        )
    grant(patient=photo.patient, witness=clinician, purposes=["treatment", "teaching"])
    services.mark_photo(actor=clinician, photo=photo, purpose="teaching", marked=True)
    photo.refresh_from_db()
    assert photo.marked_teaching_at is not None
    withdrawal = withdraw_consent(
        actor=clinician, patient=photo.patient, purpose="teaching"
    )
    photo.refresh_from_db()
    assert photo.marked_teaching_at is None
    assert withdrawal.effects == [f"Unmarked photo {photo.uuid} for teaching"]
