"""My consents through a patient link (issue 15 point 3): S30, GDPR Art. 7(3), 15, 17."""

import pytest
from django.core import mail
from django.test import Client

from audit.models import AccessEvent
from consent.checks import has_consent
from consent.documents import make_pdf
from consent.models import Withdrawal
from consent.tests.factories import make_consent
from imaging.services import mark_photo
from imaging.tests.factories import make_photo
from patients.lifecycle.erasure import approve_erasure
from patients.lifecycle.models import ErasureRequest, SubjectRequest
from patients.lifecycle.requests import add_months
from patients.tests.factories import make_patient
from sharing.tests.factories import make_link, make_patient_link, pass_identity

pytestmark = pytest.mark.django_db

PURPOSES = ["treatment", "second_opinion", "teaching"]


@pytest.fixture
def patient(clinician):
    patient = make_patient(actor=clinician, email="ada@example.org")
    make_consent(patient=patient, witness=clinician, granted=PURPOSES)
    return patient


def verified(clinician, patient, **fields):
    link, token = make_patient_link(actor=clinician, patient=patient, **fields)
    client = Client()
    assert pass_identity(client, token).status_code == 302
    return link, token, client


def test_the_patient_sees_each_purpose_with_its_state(clinician, patient):
    link, token, client = verified(clinician, patient)

    page = client.get(f"/p/{token}/")

    assert page.status_code == 200
    for label in (b"Treatment", b"Teaching", b"Publication"):
        assert label in page.content
    assert f"/p/{token}/withdraw/teaching/".encode() in page.content
    event = AccessEvent.objects.get(action="consent_viewed")
    assert event.actor_type == "patient_link" and event.actor_uuid == link.uuid
    assert event.patient_uuid == patient.uuid


def test_the_patient_downloads_their_signed_pdf(clinician, patient):
    consent = patient.consents.get()
    make_pdf(consent_uuid=consent.uuid)
    link, token, client = verified(clinician, patient)

    response = client.get(f"/p/{token}/consents/{consent.uuid}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store, private"
    assert AccessEvent.objects.filter(
        action="consent_downloaded", actor_uuid=link.uuid, object_uuid=consent.uuid
    ).exists()


def test_another_patients_pdf_is_the_neutral_page(clinician, patient):
    other = make_patient(actor=clinician, given_name="Grace", family_name="Hopper")
    theirs = make_consent(patient=other, witness=clinician, granted=["treatment"])
    make_pdf(consent_uuid=theirs.uuid)
    _, token, client = verified(clinician, patient)

    response = client.get(f"/p/{token}/consents/{theirs.uuid}/pdf/")

    assert response.status_code == 404
    assert b"%PDF" not in response.content


# S30
def test_withdrawing_teaching_acts_like_a_staff_withdrawal(
    clinician, owner, patient, django_capture_on_commit_callbacks
):
    photo = make_photo(actor=clinician, patient=patient)
    mark_photo(actor=clinician, photo=photo, purpose="teaching", marked=True)
    link, token, client = verified(clinician, patient)

    confirm = client.get(f"/p/{token}/withdraw/teaching/")
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/p/{token}/withdraw/teaching/")

    assert confirm.status_code == 200 and b"Withdraw my consent" in confirm.content
    assert done.status_code == 302
    assert not has_consent(patient, "teaching")
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.recorded_by is None
    assert withdrawal.patient_link_uuid == link.uuid and withdrawal.by_patient
    photo.refresh_from_db()
    assert photo.marked_teaching_at is None  # the hook ran
    events = AccessEvent.objects.filter(
        action__in=["consent_withdrawn", "photo_marked"], actor_uuid=link.uuid
    )
    assert {e.action for e in events} == {"consent_withdrawn", "photo_marked"}
    assert {e.actor_type for e in events} == {"patient_link"}
    assert {e.practice_id for e in events} == {clinician.practice_id}
    (notice,) = mail.outbox
    assert owner.user.email in notice.to
    assert "Lovelace" not in notice.body and "Ada" not in notice.body


def test_the_timeline_says_the_patient_withdrew_through_their_link(
    client_for, clinician, patient
):
    _, token, client = verified(clinician, patient)
    client.post(f"/p/{token}/withdraw/teaching/")

    timeline = client_for(clinician).get(patient.get_absolute_url())

    assert b"by the patient through a verified link" in timeline.content


def test_withdrawing_second_opinion_closes_the_share_links(clinician, patient):
    _, share_token = make_link(actor=clinician, patient=patient)
    _, token, client = verified(clinician, patient)

    client.post(f"/p/{token}/withdraw/second_opinion/")

    assert Client().get(f"/s/{share_token}/").status_code == 404


def test_a_photo_only_link_cannot_withdraw(clinician, patient):
    _, token, client = verified(
        clinician,
        patient,
        for_consents=False,
        for_photos=True,
        regions=["hand"],
        photos_asked=1,
    )

    response = client.post(f"/p/{token}/withdraw/teaching/")

    assert response.status_code == 404
    assert has_consent(patient, "teaching")


def test_without_the_identity_check_nothing_changes(clinician, patient):
    _, token = make_patient_link(actor=clinician, patient=patient)

    response = Client().post(f"/p/{token}/withdraw/teaching/")

    assert response.status_code == 404
    assert has_consent(patient, "teaching")
    assert AccessEvent.objects.filter(reason="no_session").exists()


def test_asking_for_erasure_files_a_request_and_closes_the_link(
    clinician, owner, compliance, patient, django_capture_on_commit_callbacks
):
    link, token, client = verified(clinician, patient)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/p/{token}/erasure/")

    assert response.status_code == 200 and b"now closed" in response.content
    erasure = ErasureRequest.objects.get()
    assert erasure.requested_by is None and erasure.patient == patient
    assert erasure.status == "pending"
    registered = SubjectRequest.objects.get()
    assert (registered.kind, registered.erasure) == ("erasure", erasure)
    assert registered.source == "patient_link"
    event = AccessEvent.objects.get(action="erasure_requested")
    assert event.actor_type == "patient_link" and event.actor_uuid == link.uuid
    assert client.get(f"/p/{token}/").status_code == 404
    assert len(mail.outbox) == 1
    # Four eyes stay: any owner or compliance officer may now decide it.
    approve_erasure(actor=compliance, erasure=erasure)


def test_asking_for_a_copy_of_the_data_registers_art_15_and_20_with_deadlines(
    clinician, owner, patient, django_capture_on_commit_callbacks
):
    link, token, client = verified(clinician, patient)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/p/{token}/data-copy/")

    assert response.status_code == 302
    # Art. 15 and Art. 20 are both exercised: one entry each, one deadline each.
    registered = SubjectRequest.objects.order_by("kind")
    assert [(r.kind, r.source) for r in registered] == [
        ("access", "patient_link"),
        ("portability", "patient_link"),
    ]
    for entry in registered:
        assert entry.due_on == add_months(entry.received_on, 1)
    events = AccessEvent.objects.filter(action="request_registered")
    assert {e.details["kind"] for e in events} == {"access", "portability"}
    for event in events:
        assert event.actor_type == "patient_link" and event.actor_uuid == link.uuid
        assert event.patient_uuid == patient.uuid
    (notice,) = mail.outbox
    assert "Art. 15" in notice.body and "Lovelace" not in notice.body
