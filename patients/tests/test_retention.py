from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.actions import Action
from audit.models import AccessEvent
from patients.exceptions import LifecycleError
from patients.lifecycle import retention
from patients.lifecycle.models import ErasureRequest, RetentionRun
from patients.models import Patient
from patients.tests.factories import make_patient, make_visit

TODAY = date(2026, 11, 26)


def _patient(actor, *, last_visit, born=date(1970, 1, 1)):
    patient = make_patient(actor=actor, date_of_birth=born)
    make_visit(actor=actor, patient=patient, visit_on=last_visit)
    return patient


def _due_uuids(practice, today=TODAY):
    return {
        d.patient_uuid
        for d in retention.due_for_purge(practice=practice, today=today).due
    }


def test_a_record_is_due_ten_years_after_the_last_visit_by_default(owner, settings):
    settings.RETENTION_DEFAULT_YEARS = 10
    old = _patient(owner, last_visit=date(2016, 11, 25))
    recent = _patient(owner, last_visit=date(2016, 11, 27))
    make_visit(actor=owner, patient=old, visit_on=date(2010, 1, 1))
    due = _due_uuids(owner.practice)
    assert str(old.uuid) in due
    assert str(recent.uuid) not in due


def test_a_later_visit_keeps_the_record(owner):
    patient = _patient(owner, last_visit=date(2010, 1, 1))
    make_visit(actor=owner, patient=patient, visit_on=date(2020, 1, 1))
    assert str(patient.uuid) not in _due_uuids(owner.practice)


def test_a_minors_record_is_kept_until_eighteen_plus_the_policy(owner):
    # Last seen at 5 in 2010: adult in 2023, kept until 2033 under 10 years.
    child = _patient(owner, last_visit=date(2010, 1, 1), born=date(2005, 6, 1))
    assert str(child.uuid) not in _due_uuids(owner.practice)
    assert str(child.uuid) in _due_uuids(owner.practice, today=date(2033, 6, 1))
    report = retention.due_for_purge(practice=owner.practice, today=date(2033, 6, 1))
    assert report.due[0].minor_rule is True


def test_the_practice_policy_overrides_the_default(owner, compliance):
    patient = _patient(owner, last_visit=date(2020, 1, 1))
    assert str(patient.uuid) not in _due_uuids(owner.practice)
    retention.set_policy(actor=compliance, years=5)
    assert str(patient.uuid) in _due_uuids(owner.practice)


def test_a_clinician_may_not_change_the_policy(clinician):
    with pytest.raises(LifecycleError):
        retention.set_policy(actor=clinician, years=1)


def test_another_practices_records_are_not_in_the_report(owner, outsider):
    mine = _patient(owner, last_visit=date(2000, 1, 1))
    theirs = _patient(outsider, last_visit=date(2000, 1, 1))
    due = _due_uuids(owner.practice)
    assert str(mine.uuid) in due and str(theirs.uuid) not in due


# S33
def test_the_dry_run_command_prints_per_practice_and_removes_nothing(owner, compliance):
    due = _patient(owner, last_visit=date(2000, 1, 1))
    held = _patient(owner, last_visit=date(2000, 1, 1))
    retention.place_legal_hold(actor=compliance, patient=held, reference="CASE-1")
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "practice test (Test Clinic)" in text
    assert f"would remove: patient {due.uuid}" in text
    assert f"kept (legal hold): patient {held.uuid}" in text
    assert "nothing was removed" in text
    assert Patient.objects.filter(pk__in=[due.pk, held.pk]).count() == 2
    assert not ErasureRequest.objects.exists()
    assert "Lovelace" not in text  # uuids only


# S33
def test_the_purge_queues_due_records_and_respects_legal_holds(
    owner, compliance, django_capture_on_commit_callbacks
):
    due = _patient(owner, last_visit=date(2000, 1, 1))
    held = _patient(owner, last_visit=date(2000, 1, 1))
    kept = _patient(owner, last_visit=timezone.localdate() - timedelta(days=30))
    retention.place_legal_hold(actor=compliance, patient=held, reference="CASE-2")
    with django_capture_on_commit_callbacks() as callbacks:
        run = retention.purge()
    erasure = ErasureRequest.objects.get()
    assert erasure.patient_uuid == due.uuid
    assert erasure.origin == "retention" and erasure.status == "approved"
    assert len(callbacks) == 1
    due.refresh_from_db()
    held.refresh_from_db()
    kept.refresh_from_db()
    assert due.blocked_at is not None
    assert held.blocked_at is None and kept.blocked_at is None
    entry = run.report[str(owner.practice.uuid)]
    assert entry["due"] == 2 and entry["held"] == 1 and entry["queued"] == 1
    # PHI-free report: counts and uuids only.
    assert "Lovelace" not in str(RetentionRun.objects.values())
    assert AccessEvent.objects.filter(action=Action.RETENTION_PURGED).exists()


def test_a_second_purge_does_not_queue_the_same_record_twice(owner):
    _patient(owner, last_visit=date(2000, 1, 1))
    retention.purge()
    retention.purge()
    assert ErasureRequest.objects.count() == 1


def test_the_purge_works_in_batches(owner):
    for _ in range(5):
        _patient(owner, last_visit=date(2000, 1, 1))
    run = retention.purge(batch=2)
    assert run.report[str(owner.practice.uuid)]["queued"] == 5
    assert ErasureRequest.objects.count() == 5


def test_a_hold_is_one_per_patient_and_can_be_released(owner, compliance):
    patient = _patient(owner, last_visit=date(2000, 1, 1))
    hold = retention.place_legal_hold(actor=owner, patient=patient, reference="A")
    with pytest.raises(LifecycleError, match="already under a legal hold"):
        retention.place_legal_hold(actor=compliance, patient=patient, reference="B")
    retention.release_legal_hold(actor=compliance, hold=hold)
    assert str(patient.uuid) in _due_uuids(owner.practice)


def test_the_command_without_dry_run_queues_the_purge(owner, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "patients.lifecycle.jobs.send", lambda task, *a: sent.append(task.name) or True
    )
    out = StringIO()
    call_command("retention", stdout=out)
    assert sent == ["patients.retention_purge"]
    assert "queued" in out.getvalue()
