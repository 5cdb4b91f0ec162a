"""Members make and revoke patient links (issue 15 point 1): S21, S22, S27."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AccessEvent
from consent.tests.factories import make_consent
from patients.tests.factories import make_patient
from sharing import tokens
from sharing.exceptions import ShareLinkError
from sharing.models import PatientLink
from sharing.patient_links import create_patient_link

pytestmark = pytest.mark.django_db


def url_of(token):
    return f"http://testserver/p/{token}/"


@pytest.fixture
def patient(clinician):
    patient = make_patient(actor=clinician, email="ada@example.org")
    make_consent(patient=patient, witness=clinician, granted=["treatment"])
    return patient


def make(actor, patient, **options):
    options.setdefault("for_consents", True)
    return create_patient_link(actor=actor, patient=patient, link_url=url_of, **options)


# S21
def test_only_the_hash_of_a_256_bit_token_is_kept(clinician, patient):
    link, token = make(clinician, patient)

    assert len(token) == 43  # 32 bytes, URL-safe base64
    assert link.token_hash == tokens.token_hash(token)
    assert not PatientLink.objects.filter(token_hash=token).exists()


# S22
def test_a_link_lasts_seven_days_unless_told_and_never_more_than_thirty(
    clinician, patient
):
    link, _ = make(clinician, patient)
    assert (link.expires_at - link.created_at).days == 7
    with pytest.raises(ShareLinkError, match="at most 30 days"):
        make(clinician, patient, days=31)


def test_a_link_needs_a_purpose_and_photos_need_regions_and_a_number(
    clinician, patient
):
    with pytest.raises(ShareLinkError, match="Choose what the link is for"):
        make(clinician, patient, for_consents=False)
    with pytest.raises(ShareLinkError, match="body regions"):
        make(clinician, patient, for_consents=False, for_photos=True, photos_asked=2)
    with pytest.raises(ShareLinkError, match="between 1 and 20 photos"):
        make(clinician, patient, for_photos=True, regions=["hand"], photos_asked=0)
    with pytest.raises(ShareLinkError, match="from the list"):
        make(clinician, patient, for_photos=True, regions=["wing"], photos_asked=1)


def test_an_assistant_may_make_one_and_a_compliance_officer_may_not(
    assistant, compliance, patient
):
    link, _ = make(assistant, patient)
    assert link.created_by == assistant
    with pytest.raises(ShareLinkError, match="role"):
        make(compliance, patient)


def test_another_practices_patient_is_refused(outsider, patient):
    with pytest.raises(ShareLinkError, match="another practice"):
        make(outsider, patient)


def test_a_patient_without_treatment_consent_gets_no_link(clinician):
    patient = make_patient(actor=clinician)
    with pytest.raises(ShareLinkError, match="consent to treatment"):
        make(clinician, patient)


# S27
def test_the_patient_gets_the_link_by_email_with_no_phi_and_it_is_audited(
    clinician, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link, token = make(
            clinician,
            patient,
            for_photos=True,
            regions=["hand"],
            photos_asked=2,
            note="Your left hand wound",
        )

    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert url_of(token) in message.body
    for phi in ("Lovelace", "Ada", "wound", "1980", "hand"):
        assert phi not in message.body and phi not in message.subject
    event = AccessEvent.objects.get(action="patient_link_created")
    assert event.member == clinician and event.patient_uuid == patient.uuid
    assert "wound" not in str(event.details)
    assert event.details["regions"] == ["hand"]


def test_the_note_is_stored_encrypted(clinician, patient):
    from django.db import connection

    link, _ = make(clinician, patient, note="Your left hand wound")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM sharing_patientlink WHERE id = %s", [link.pk])
        (stored,) = cursor.fetchone()
    assert "wound" not in stored


def test_the_timeline_offers_the_link_and_the_page_shows_a_qr_code(
    client_for, clinician, patient
):
    client = client_for(clinician)
    timeline = client.get(reverse("patients:timeline", kwargs={"uuid": patient.uuid}))
    create_url = reverse("sharing:patient_link_create", kwargs={"uuid": patient.uuid})
    assert create_url.encode() in timeline.content

    response = client.post(
        create_url, {"for_consents": "on", "days": "7", "session_limit": "3"}
    )

    assert response.status_code == 200
    assert b"<svg" in response.content
    link = PatientLink.objects.get()
    assert link.session_limit == 3 and link.for_consents and not link.for_photos
    assert b"/p/" in response.content
    assert response.content.count(b"https://") == 0  # nothing loads from elsewhere


def test_revoking_from_the_timeline_closes_the_link(client_for, clinician, patient):
    link, _ = make(clinician, patient)

    response = client_for(clinician).post(
        reverse("sharing:patient_link_revoke", kwargs={"uuid": link.uuid})
    )

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == clinician
    assert link.session_generation == 2
    assert AccessEvent.objects.filter(action="patient_link_revoked").count() == 1


def test_another_practice_cannot_revoke(client_for, outsider, clinician, patient):
    link, _ = make(clinician, patient)

    response = client_for(outsider).post(
        reverse("sharing:patient_link_revoke", kwargs={"uuid": link.uuid})
    )

    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_the_audit_page_names_the_patient_link_and_its_actor(owner, clinician, patient):
    from audit.models import AccessEvent as Event
    from audit.readable import readable_events

    make(clinician, patient)
    link, _ = make(clinician, patient)
    from audit.services import record_event
    from sharing.patient_access import audit_as_link

    record_event(**audit_as_link(link), action="consent_viewed", target=link)

    (row,) = readable_events(
        Event.objects.filter(action="consent_viewed"), practice=owner.practice
    )
    assert row.who == "Patient through their verified link"
    assert row.record.startswith("Patient link: made ")
