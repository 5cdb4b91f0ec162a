from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from audit.models import AccessEvent
from patients.tests.factories import make_patient, make_visit
from sharing import tokens
from sharing.exceptions import ShareLinkError
from sharing.models import ShareLink
from sharing.passcodes import passcode_matches
from sharing.services import create_share_link
from sharing.tests.factories import grant_second_opinion, make_shared_photo


@pytest.fixture
def patient(clinician):
    patient = make_patient(actor=clinician)
    grant_second_opinion(patient=patient, witness=clinician)
    return patient


@pytest.fixture
def photo(clinician, patient):
    return make_shared_photo(actor=clinician, patient=patient)


def create(actor, patient, photos, **options):
    options.setdefault("recipient_name", "Dr Grey")
    options.setdefault("recipient_email", "grey@example.org")
    return create_share_link(
        actor=actor,
        patient=patient,
        photos=photos,
        link_url=lambda token: f"https://pixiodoc.test/s/{token}/",
        **options,
    )


def test_a_link_is_created_with_a_hashed_token_and_emailed(
    clinician, patient, photo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link, token, passcode = create(clinician, patient, [photo], message="Look")
    assert passcode is None
    assert link.token_hash == tokens.token_hash(token)
    assert list(link.photos.all()) == [photo]
    assert link.expires_at - link.created_at == timedelta(days=7)
    assert not link.allow_download and not link.include_identity
    assert [m.to for m in mail.outbox] == [["grey@example.org"]]
    assert f"https://pixiodoc.test/s/{token}/" in mail.outbox[0].body
    assert "Lovelace" not in mail.outbox[0].body  # no patient data in the e-mail
    event = AccessEvent.objects.get(action="share_created")
    assert event.member == clinician and event.patient_uuid == patient.uuid
    assert "Grey" not in str(event.details) and "Look" not in str(event.details)


def test_a_generated_passcode_is_returned_once_and_kept_hashed(
    clinician, patient, photo
):
    link, _, passcode = create(clinician, patient, [photo], with_passcode=True)
    assert passcode and passcode not in link.passcode_hash
    assert passcode_matches(passcode, link.passcode_hash)


# S30
def test_sharing_needs_second_opinion_consent(clinician):
    patient = make_patient(actor=clinician)
    photo = make_shared_photo(actor=clinician, patient=patient)
    with pytest.raises(ShareLinkError, match="second-opinion"):
        create(clinician, patient, [photo])
    assert not ShareLink.objects.exists()


# S22
def test_share_link_cannot_outlive_the_practice_maximum(clinician, patient, photo):
    clinician.practice.share_link_max_days = 10
    clinician.practice.save()
    with pytest.raises(ShareLinkError, match="at most 10 days"):
        create(clinician, patient, [photo], days=11)
    link, _, _ = create(clinician, patient, [photo], days=10)
    assert link.expires_at - link.created_at == timedelta(days=10)


# S22
def test_share_link_cannot_outlive_thirty_days(clinician, patient, photo):
    with pytest.raises(ShareLinkError):
        create(clinician, patient, [photo], days=31)


# S22
def test_the_database_refuses_a_lifetime_over_thirty_days(clinician, patient, photo):
    link, _, _ = create(clinician, patient, [photo])
    with pytest.raises(IntegrityError):
        ShareLink.objects.filter(pk=link.pk).update(
            expires_at=link.created_at + timedelta(days=30, seconds=1)
        )


def test_no_photo_is_refused(clinician, patient):
    with pytest.raises(ShareLinkError, match="at least one photo"):
        create(clinician, patient, [])


def test_another_patients_photo_is_refused(clinician, patient):
    other = make_patient(actor=clinician)
    stray = make_shared_photo(actor=clinician, patient=other)
    with pytest.raises(ShareLinkError):
        create(clinician, patient, [stray])


def test_assistants_cannot_share(assistant, clinician, patient, photo):
    with pytest.raises(ShareLinkError):
        create(assistant, patient, [photo])


def test_a_blocked_patient_cannot_be_shared(clinician, patient, photo):
    patient.blocked_at = timezone.now()
    with pytest.raises(ShareLinkError, match="erased"):
        create(clinician, patient, [photo])


def test_an_open_limit_out_of_range_is_refused(clinician, patient, photo):
    with pytest.raises(ShareLinkError, match="open limit"):
        create(clinician, patient, [photo], open_limit=0)


def test_whole_visits_can_be_shared(client_for, clinician, patient):
    visit = make_visit(actor=clinician, patient=patient)
    first = make_shared_photo(actor=clinician, patient=patient, visit=visit)
    second = make_shared_photo(actor=clinician, patient=patient, visit=visit)
    elsewhere = make_shared_photo(actor=clinician, patient=patient)
    response = client_for(clinician).post(
        f"/shares/new/{patient.uuid}/",
        {
            "visits": [str(visit.uuid)],
            "recipient_name": "Dr Grey",
            "recipient_email": "grey@example.org",
            "days": 7,
        },
    )
    assert response.status_code == 200
    link = ShareLink.objects.get()
    assert set(link.photos.all()) == {first, second}
    assert elsewhere not in link.photos.all()
