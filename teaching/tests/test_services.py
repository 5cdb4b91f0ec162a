"""Adding to the teaching library: a new encrypted image, consent at every use."""

import hashlib

import pytest
from django.core.files.storage import default_storage

from audit.models import AccessEvent
from consent.services import withdraw_consent
from imaging.services import read_rendition
from pixiodoc import blobs
from teaching.exceptions import TeachingConsentMissing, TeachingError
from teaching.models import TeachingImage
from teaching.selectors import hidden_images_for, library
from teaching.services import decrypt_image, delete_image, read_image
from teaching.tests.factories import (
    consenting_patient,
    face_photo,
    make_teaching_image,
)
from teaching.tests.images import PATIENT_TEXT

RECORD = "TC-4242"


@pytest.fixture
def patient(clinician):
    return consenting_patient(
        actor=clinician,
        given_name="Jane",
        family_name="Teachcase",
        record_number=RECORD,
    )


def test_a_photo_becomes_a_new_image_and_stays_untouched(clinician, patient):
    photo = face_photo(actor=clinician, patient=patient)
    before = {n: default_storage.open(n).read() for n in photo.blob_names()}

    image = make_teaching_image(actor=clinician, photo=photo)

    assert image.uuid != photo.uuid
    assert {n: default_storage.open(n).read() for n in photo.blob_names()} == before
    assert image.source_photo == photo and image.case.title == "Case of the week"
    original = read_rendition(actor=clinician, photo=photo, rendition="display")
    assert decrypt_image(image=image, rendition="display") != original


# S16 S17 S27
def test_the_image_is_encrypted_under_the_patients_prefix_with_a_random_name(
    clinician, patient
):
    image = make_teaching_image(
        actor=clinician, photo=face_photo(actor=clinician, patient=patient)
    )

    for name in (image.display_blob, image.thumb_blob):
        assert name.startswith(blobs.prefix_for(patient.uuid))
        assert name in blobs.blob_names(patient.uuid)  # erasure walks this prefix
        assert RECORD not in name and "Teachcase" not in name
        stored = default_storage.open(name).read()
        assert not stored.startswith(b"\xff\xd8")
    plain = decrypt_image(image=image, rendition="display")
    assert hashlib.sha256(plain).hexdigest() == image.sha256
    # The record's original carries an sRGB profile; the teaching copy carries none.
    original = read_rendition(
        actor=clinician, photo=image.source_photo, rendition="original"
    )
    assert b"ICC_PROFILE" in original
    assert b"ICC_PROFILE" not in plain and b"Exif" not in plain
    for text in (RECORD, "Teachcase", PATIENT_TEXT):
        assert text.encode() not in plain


def test_adding_needs_teaching_consent(clinician):
    patient = consenting_patient(actor=clinician, purposes=["treatment"])
    photo = face_photo(actor=clinician, patient=patient)

    with pytest.raises(TeachingConsentMissing, match="teaching"):
        from teaching.services import deidentify_photo

        deidentify_photo(
            actor=clinician, photo=photo, edits={}, title="x", body_region="face"
        )
    assert not TeachingImage.objects.exists()


def test_clearing_for_publication_needs_publication_consent(clinician):
    patient = consenting_patient(actor=clinician, purposes=["treatment", "teaching"])
    photo = face_photo(actor=clinician, patient=patient)

    with pytest.raises(TeachingConsentMissing, match="publication"):
        make_teaching_image(actor=clinician, photo=photo, for_publication=True)
    assert make_teaching_image(actor=clinician, photo=photo).for_publication is False


def test_an_assistant_may_not_add_and_another_practice_may_not_either(
    clinician, assistant, outsider
):
    photo = face_photo(actor=clinician)

    for actor in (assistant, outsider):
        with pytest.raises(TeachingError):
            make_teaching_image(actor=actor, photo=photo)
    assert not TeachingImage.objects.exists()


# S30
def test_withdrawal_hides_the_patients_images_at_once_and_for_good(
    clinician, assistant, patient
):
    mine = make_teaching_image(
        actor=clinician, photo=face_photo(actor=clinician, patient=patient)
    )
    other = make_teaching_image(actor=clinician)
    assert set(library(member=assistant)) == {mine, other}

    withdrawal = withdraw_consent(actor=clinician, patient=patient, purpose="teaching")

    assert library(member=assistant) == [other]
    assert list(hidden_images_for(member=clinician)) == [mine]
    assert any(str(mine.uuid) in effect for effect in withdrawal.effects)
    with pytest.raises(TeachingConsentMissing):
        read_image(
            actor=clinician,
            image=TeachingImage.objects.get(pk=mine.pk),
            rendition="thumb",
        )
    # A later consent does not bring it back: the clinician deletes it.
    from consent.tests.factories import grant

    grant(patient=patient, witness=clinician, purposes=["teaching"])
    assert library(member=assistant) == [other]


def test_publication_withdrawal_uncleares_the_images(clinician, patient):
    image = make_teaching_image(
        actor=clinician,
        photo=face_photo(actor=clinician, patient=patient),
        for_publication=True,
    )

    withdraw_consent(actor=clinician, patient=patient, purpose="publication")

    image.refresh_from_db()
    assert image.for_publication is False
    assert image.withdrawn_at is None  # teaching use goes on


def test_deleting_removes_the_row_and_its_blobs(
    clinician, patient, django_capture_on_commit_callbacks
):
    image = make_teaching_image(
        actor=clinician, photo=face_photo(actor=clinician, patient=patient)
    )
    names = [image.display_blob, image.thumb_blob]

    with django_capture_on_commit_callbacks(execute=True):
        delete_image(actor=clinician, image=image)

    assert not TeachingImage.objects.exists()
    assert not any(default_storage.exists(n) for n in names)


# S26 S27
def test_every_use_is_audited_without_phi(clinician, patient):
    image = make_teaching_image(
        actor=clinician, photo=face_photo(actor=clinician, patient=patient)
    )

    read_image(actor=clinician, image=image, rendition="thumb")

    actions = list(AccessEvent.objects.values_list("action", flat=True))
    assert "teaching_image_added" in actions and "teaching_image_viewed" in actions
    dump = repr(list(AccessEvent.objects.values()))
    for text in (
        "Teachcase",
        RECORD,
        "Facial lesion",
        "Basal cell",
        "Case of the week",
    ):
        assert text not in dump


def test_erasing_the_patient_takes_the_teaching_images(clinician, compliance, patient):
    from patients.lifecycle.erasure import approve_erasure, request_erasure, run_erasure

    image = make_teaching_image(
        actor=clinician, photo=face_photo(actor=clinician, patient=patient)
    )
    names = [image.display_blob, image.thumb_blob]
    from datetime import date

    erasure = request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 1, 1)
    )
    erasure = approve_erasure(actor=compliance, erasure=erasure)
    run_erasure(request_uuid=str(erasure.uuid))

    assert not TeachingImage.objects.exists()
    assert not any(default_storage.exists(n) for n in names)
