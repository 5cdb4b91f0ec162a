""" "Verify chain now" and verify_audit keep their result for the audit page (#16)."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command

from audit.actions import Action
from audit.models import AccessEvent, ChainStatus, ChainVerification
from audit.tests.factories import tamper
from audit.verification import carry_out, request_verification
from patients.tests.factories import make_patient
from pixiodoc.testing import make_member


def test_verify_audit_keeps_its_result_for_the_page(client_for, compliance, clinician):
    make_patient(actor=clinician)
    call_command("verify_audit")
    status = ChainStatus.objects.get(practice=compliance.practice)
    assert status.intact and status.events >= 1
    body = client_for(compliance).get("/audit/").content.decode()
    assert "Audit chain intact" in body
    assert "has not been checked yet" not in body


def test_verify_now_queues_a_run_that_checks_and_reports(
    client_for, compliance, clinician, django_capture_on_commit_callbacks
):
    make_patient(actor=clinician)
    client = client_for(compliance)
    with django_capture_on_commit_callbacks() as sent:
        response = client.post("/audit/verify/")
    assert response.status_code == 302
    run = ChainVerification.objects.get(practice=compliance.practice)
    assert run.state == ChainVerification.State.PENDING and len(sent) == 1
    assert AccessEvent.objects.filter(
        action=Action.AUDIT_VERIFY_REQUESTED, object_uuid=run.uuid
    ).exists()
    page = client.get("/audit/").content.decode()
    assert "Chain check queued" in page and "Verify chain now" not in page

    carry_out(run)

    run.refresh_from_db()
    assert run.state == ChainVerification.State.DONE
    assert run.checked_events == run.total_events >= 2
    fragment = client.get(f"/audit/verify/{run.uuid}/").content.decode()
    assert "Chain check finished" in fragment and "data-reload-when-done" in fragment
    page = client.get("/audit/").content.decode()
    assert "Audit chain intact" in page and "Verify chain now" in page


def test_a_second_click_joins_the_open_run(client_for, compliance, owner):
    client_for(compliance).post("/audit/verify/")
    client_for(owner).post("/audit/verify/")
    assert ChainVerification.objects.filter(practice=owner.practice).count() == 1


def test_a_broken_chain_found_now_is_shown_and_alerted(
    client_for, compliance, clinician
):
    make_patient(actor=clinician)
    victim = AccessEvent.objects.filter(practice=clinician.practice).first()
    tamper("UPDATE audit_accessevent SET outcome = 'denied' WHERE id = %s", [victim.pk])
    client_for(compliance).post("/audit/verify/")
    carry_out(ChainVerification.objects.get())
    status = ChainStatus.objects.get(practice=clinician.practice)
    assert not status.intact and status.broken_event_id == victim.pk


def test_another_practices_run_is_not_found(client_for, compliance, other_practice):
    run = request_verification(actor=make_member(other_practice, "compliance"))
    assert client_for(compliance).get(f"/audit/verify/{run.uuid}/").status_code == 404


def test_the_resender_sends_a_waiting_run_again(compliance, monkeypatch):
    from pixiodoc import jobs

    sent = []
    monkeypatch.setattr(jobs, "send", lambda task, uuid: sent.append(uuid))
    run = request_verification(actor=compliance)
    # Just asked for: its own message is on its way.
    assert jobs.resend_waiting()["audit"] == {"chain verifications": 0}
    with time_machine.travel(run.requested_at + timedelta(minutes=2)):
        assert jobs.resend_waiting()["audit"] == {"chain verifications": 1}
    assert sent == [str(run.uuid)]


@pytest.mark.integration
def test_a_real_worker_carries_out_verify_now(
    client_for, compliance, clinician, celery_worker_process
):
    make_patient(actor=clinician)
    client_for(compliance).post("/audit/verify/")
    deadline = time.monotonic() + 60
    run = ChainVerification.objects.get()
    while run.state != ChainVerification.State.DONE and time.monotonic() < deadline:
        time.sleep(0.2)
        run.refresh_from_db()
    assert run.state == ChainVerification.State.DONE
    assert ChainStatus.objects.get(practice=compliance.practice).intact
