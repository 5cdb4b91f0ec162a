"""Break-glass: one record, with a reason, for 30 minutes, alerted and reviewed (#16)."""

from datetime import date

import pytest
import time_machine
from django.core import mail

from audit.actions import Action
from audit.models import AccessEvent, AuditAlert
from patients.lifecycle.erasure import approve_erasure, request_erasure
from patients.tests.factories import make_patient
from pixiodoc.accounts.breakglass import BreakGlassError, open_grant, review_grant
from pixiodoc.accounts.models import BreakGlassGrant

START = "2026-03-10 09:00:00+00:00"


@pytest.fixture
def patient(clinician):
    return make_patient(actor=clinician, record_number="MRN-BG-1")


@pytest.fixture
def other(clinician):
    return make_patient(actor=clinician, record_number="MRN-BG-2")


def asked(client, record_number="MRN-BG-1", reason="Urgent legal request, on call"):
    return client.post(
        "/patients/break-glass/", {"record_number": record_number, "reason": reason}
    )


def test_without_a_reason_it_is_refused_and_recorded(client_for, compliance, patient):
    response = asked(client_for(compliance), reason="  ")

    assert response.status_code == 200
    assert "State why you must open this record" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    refused = AccessEvent.objects.get(action=Action.BREAK_GLASS_REFUSED)
    assert refused.reason == "no_reason" and refused.patient_uuid == patient.uuid


def test_a_role_that_opens_records_needs_no_break_glass(clinician, patient):
    with pytest.raises(BreakGlassError, match="already"):
        open_grant(member=clinician, patient=patient, reason="x")


def test_never_for_a_patient_being_erased(owner, clinician, compliance, patient):
    erasure = request_erasure(actor=clinician, patient=patient, asked_on=date.today())
    approve_erasure(actor=owner, erasure=erasure)
    patient.refresh_from_db()

    with pytest.raises(BreakGlassError, match="being erased"):
        open_grant(member=compliance, patient=patient, reason="I must")
    assert AccessEvent.objects.get(action=Action.BREAK_GLASS_REFUSED).reason == "erased"


def test_the_grant_opens_one_record_for_30_minutes_with_a_banner(
    client_for, compliance, patient, other, django_capture_on_commit_callbacks
):
    timeline = f"/patients/{patient.uuid}/"
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(compliance)
        assert client.get(timeline).status_code == 403
        with django_capture_on_commit_callbacks(execute=True):
            response = asked(client)
        assert response["Location"] == timeline

        page = client.get(timeline).content.decode()
        assert "Break-glass: you have opened the record MRN-BG-1" in page
        # Only that record: another patient stays closed, and so do copies.
        assert client.get(f"/patients/{other.uuid}/").status_code == 404
        assert "MRN-BG-2" not in client.get("/patients/").content.decode()
        assert client.post(f"/patients/{patient.uuid}/export/").status_code == 302
        assert not AccessEvent.objects.filter(action=Action.EXPORT_STARTED).exists()

        for _ in range(3):  # active every 10 minutes: the session stays (S4)
            clock.shift(9 * 60 + 50)
            assert client.get(timeline).status_code == 200
        clock.shift(31)  # 30 minutes and a second after the grant
        assert client.get(timeline).status_code == 403
        assert "Break-glass:" not in client.get("/compliance/").content.decode()


def test_the_compliance_officers_are_alerted_at_once_without_patient_data(
    compliance, owner, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        grant = open_grant(member=compliance, patient=patient, reason="Court order 7")

    alert = AuditAlert.objects.get()
    assert alert.kind == "break_glass" and alert.subject == str(grant.uuid)
    [message] = mail.outbox
    assert message.to == [compliance.user.email]
    assert "break-glass" in message.body
    assert "MRN-BG-1" not in message.body and "Court order" not in message.body
    opened = AccessEvent.objects.get(action=Action.BREAK_GLASS_OPENED)
    assert "Court order" not in str(opened.details)


def test_the_review_is_someone_elses_and_a_question_needs_a_note(
    client_for, compliance, owner, patient
):
    grant = open_grant(member=compliance, patient=patient, reason="Court order 7")
    with pytest.raises(BreakGlassError, match="Someone else"):
        review_grant(actor=compliance, grant=grant, decision="accepted", note="")
    with pytest.raises(BreakGlassError, match="what is in question"):
        review_grant(actor=owner, grant=grant, decision="questioned", note="")

    desk = client_for(owner).get("/compliance/").content.decode()
    assert "Court order 7" in desk and "MRN-BG-1" in desk
    response = client_for(owner).post(
        f"/compliance/break-glass/{grant.uuid}/review/",
        {"decision": "questioned", "note": "No court order on file"},
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.review, grant.reviewed_by) == ("questioned", owner)
    reviewed = AccessEvent.objects.get(action=Action.BREAK_GLASS_REVIEWED)
    assert reviewed.reason == "questioned" and reviewed.member == owner
