import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from audit.actions import Action, ActorType, Outcome
from audit.alerts import check_chains, scan_for_alerts
from audit.models import AccessEvent, AuditAlert, ChainStatus, PracticeAuditSettings
from audit.services import record_event
from audit.tasks import verify_audit_chains
from audit.tests.factories import make_events, tamper
from pixiodoc.celery import app


def _break_chain(member):
    events = make_events(member, 4)
    tamper("UPDATE audit_accessevent SET reason = 'x' WHERE id = %s", [events[1].pk])
    return events[1]


def test_the_nightly_jobs_are_scheduled():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "audit.tasks.verify_audit_chains",
        "audit.tasks.scan_audit_alerts",
        "audit.tasks.purge_audit_retention",
    } <= tasks


def test_an_intact_chain_is_recorded_as_such_and_mails_nobody(
    clinician, compliance, mailoutbox, django_capture_on_commit_callbacks
):
    make_events(clinician, 3)
    with django_capture_on_commit_callbacks(execute=True):
        check_chains()
    status = ChainStatus.objects.get(practice=clinician.practice)
    assert status.intact and status.events == 3
    assert mailoutbox == []


# S38
def test_a_break_alerts_compliance_officers_and_stays_visible(
    clinician, compliance, owner, mailoutbox, django_capture_on_commit_callbacks
):
    victim = _break_chain(clinician)
    with django_capture_on_commit_callbacks(execute=True):
        check_chains()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [compliance.user.email]
    assert f"event {victim.pk} edited" in mailoutbox[0].body
    status = ChainStatus.objects.get(practice=clinician.practice)
    assert not status.intact and status.broken_event_id == victim.pk
    recorded = AccessEvent.objects.get(action=Action.AUDIT_CHAIN_BROKEN)
    assert recorded.details["event_id"] == victim.pk
    # Recording the break appended to the chain; the break is still the one named.
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith(f"broken: event {victim.pk} edited")


def test_a_known_break_is_not_mailed_again(
    clinician, compliance, mailoutbox, django_capture_on_commit_callbacks
):
    _break_chain(clinician)
    with django_capture_on_commit_callbacks(execute=True):
        check_chains()
        check_chains()
    assert len(mailoutbox) == 1
    assert AccessEvent.objects.filter(action=Action.AUDIT_CHAIN_BROKEN).count() == 1


# S38
def test_a_member_opening_too_many_patients_raises_one_alert(
    clinician, compliance, mailoutbox, django_capture_on_commit_callbacks
):
    PracticeAuditSettings.objects.create(
        practice=clinician.practice, max_patients_per_hour=3
    )
    for _ in range(4):
        record_event(
            action=Action.TIMELINE_VIEWED, actor=clinician, patient=uuid.uuid4()
        )
    with django_capture_on_commit_callbacks(execute=True):
        alerts = scan_for_alerts()
        assert scan_for_alerts() == []
    assert [(a.kind, a.subject, a.count) for a in alerts] == [
        ("patient_volume", str(clinician.uuid), 4)
    ]
    event = AccessEvent.objects.get(action=Action.ALERT_RAISED)
    assert event.details["member"] == str(clinician.uuid)
    assert len(mailoutbox) == 1 and clinician.user.email in mailoutbox[0].body


def test_opening_patients_within_the_threshold_raises_nothing(clinician, compliance):
    PracticeAuditSettings.objects.create(
        practice=clinician.practice, max_patients_per_hour=3
    )
    patient = uuid.uuid4()
    for _ in range(5):  # one patient, many times
        record_event(action=Action.TIMELINE_VIEWED, actor=clinician, patient=patient)
    assert scan_for_alerts() == []


# S38
def test_repeated_share_link_misses_from_one_address_raise_an_alert(
    practice, compliance, rf, mailoutbox, django_capture_on_commit_callbacks
):
    PracticeAuditSettings.objects.create(
        practice=practice, max_share_refusals_per_hour=5
    )
    request = rf.get("/s/x/", REMOTE_ADDR="203.0.113.9")
    for _ in range(6):
        record_event(
            action=Action.SHARE_REFUSED,
            practice=practice,
            request=request,
            actor_type=ActorType.ANONYMOUS,
            outcome=Outcome.DENIED,
            reason="unknown_token",
        )
    with django_capture_on_commit_callbacks(execute=True):
        (alert,) = scan_for_alerts()
    assert (alert.kind, alert.subject) == ("share_token_misses", "203.0.113.9")
    assert AuditAlert.objects.count() == 1
    assert "203.0.113.9" in mailoutbox[0].body


# S38
def test_wrong_answers_to_a_patient_link_count_towards_the_guessing_alert(
    practice, compliance, rf, mailoutbox
):
    PracticeAuditSettings.objects.create(
        practice=practice, max_share_refusals_per_hour=5
    )
    request = rf.get("/p/x/", REMOTE_ADDR="203.0.113.7")
    for action in [Action.PATIENT_LINK_CHECK_FAILED] * 4 + [
        Action.PATIENT_LINK_REFUSED
    ] * 2:
        record_event(
            action=action,
            practice=practice,
            request=request,
            actor_type=ActorType.PATIENT_LINK,
            outcome=Outcome.DENIED,
        )
    (alert,) = scan_for_alerts()
    assert (alert.kind, alert.subject) == ("share_token_misses", "203.0.113.7")


@pytest.mark.integration
def test_the_nightly_verification_runs_in_a_real_worker(celery_worker_process):
    from pixiodoc.testing import make_member, make_practice

    member = make_member(make_practice(), "clinician")
    make_events(member, 2)
    result = verify_audit_chains.delay().get(timeout=60)
    assert result["test"] == "intact: 2"
    assert ChainStatus.objects.get(practice=member.practice).intact
