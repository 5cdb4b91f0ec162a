"""Jobs a crash interrupted resume from what their rows recorded (issue 20)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from audit.actions import Action
from audit.models import AccessEvent
from patients.lifecycle import export as export_service
from patients.lifecycle import housekeeping, jobs, retention
from patients.lifecycle.models import ErasureRequest, PatientExport, RetentionRun
from patients.tasks import build_patient_export, retention_purge
from patients.tests.factories import make_patient, make_visit
from pixiodoc import blobs


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, nothing catches it."""


def _due_patient(owner):
    patient = make_patient(actor=owner)
    make_visit(actor=owner, patient=patient, visit_on=date(2000, 1, 1))
    return patient


def _after_the_lease():
    return time_machine.travel(
        timezone.now() + timedelta(seconds=settings.JOBS_LEASE_SECONDS + 1)
    )


def test_a_retention_run_records_what_it_found_before_queueing(owner, monkeypatch):
    patients = [_due_patient(owner) for _ in range(5)]
    calls = []

    def dies_on_the_second_batch(practice, uuids, years):
        calls.append(uuids)
        if len(calls) == 2:
            raise Killed
        return queue_batch(practice, uuids, years)

    queue_batch = retention._queue_batch
    monkeypatch.setattr(retention, "_queue_batch", dies_on_the_second_batch)
    with pytest.raises(Killed):
        retention.purge(batch=2)

    run = RetentionRun.objects.get()
    key = str(owner.practice.uuid)
    assert sorted(run.found[key]) == sorted(str(p.uuid) for p in patients)
    assert run.report[key]["due"] == 5 and run.report[key]["queued"] == 2
    assert run.finished_at is None
    assert ErasureRequest.objects.count() == 2


def test_a_killed_retention_run_resumes_and_queues_each_record_once(owner, monkeypatch):
    for _ in range(5):
        _due_patient(owner)
    queue_batch = retention._queue_batch
    calls = []

    def dies_on_the_second_batch(practice, uuids, years):
        calls.append(uuids)
        if len(calls) == 2:
            raise Killed
        return queue_batch(practice, uuids, years)

    monkeypatch.setattr(retention, "_queue_batch", dies_on_the_second_batch)
    with pytest.raises(Killed):
        retention.purge(batch=2)
    monkeypatch.setattr(retention, "_queue_batch", queue_batch)
    run = RetentionRun.objects.get()
    # Its runner's lease still holds: the resender leaves it alone.
    sent = []
    monkeypatch.setattr(
        "patients.lifecycle.jobs.send",
        lambda task, *args: sent.append((task.name, args)) or True,
    )
    assert housekeeping.resume_pending()["retention_runs"] == 0
    lease = settings.JOBS_LEASE_SECONDS
    assert 0 < retention.run_busy_for(run_uuid=str(run.uuid)) <= lease

    with _after_the_lease():
        assert housekeeping.resume_pending()["retention_runs"] == 1
        assert ("patients.retention_purge", (str(run.uuid),)) in sent
        retention_purge(str(run.uuid))
        retention_purge(str(run.uuid))  # a second delivery changes nothing

    run.refresh_from_db()
    entry = run.report[str(owner.practice.uuid)]
    assert run.finished_at is not None
    assert entry["queued"] == 5 and len(set(entry["requests"])) == 5
    assert ErasureRequest.objects.count() == 5
    assert AccessEvent.objects.filter(action=Action.RETENTION_PURGED).count() == 1
    assert retention.run_busy_for(run_uuid=str(run.uuid)) == 0


def test_an_export_whose_runner_died_mid_write_is_rebuilt_and_its_blob_removed(
    clinician, monkeypatch
):
    monkeypatch.setattr("patients.lifecycle.jobs.send", lambda task, *a: True)
    patient = make_patient(actor=clinician)
    export = export_service.start_export(actor=clinician, patient=patient)
    # The dead runner: claimed, named its blob, wrote part of it, then died.
    assert PatientExport.objects.filter(pk=export.pk).update(
        status="running", lease_until=jobs.lease_until()
    )
    partial = blobs.new_blob_name(patient)
    blobs.default_storage.save(partial, blobs.ContentFile(b"partial"))
    PatientExport.objects.filter(pk=export.pk).update(blob_name=partial)

    # The lease still holds: not built, and the task is told when to look again.
    assert export_service.build_export(export_uuid=str(export.uuid)) == "running"
    lease = settings.JOBS_LEASE_SECONDS
    assert 0 < export_service.busy_for(export_uuid=str(export.uuid)) <= lease
    with _after_the_lease():
        assert build_patient_export(str(export.uuid)) == "ready"
    assert export_service.busy_for(export_uuid=str(export.uuid)) == 0
    export.refresh_from_db()
    assert not blobs.default_storage.exists(partial)
    assert export.blob_name != partial
    assert blobs.blob_names(patient.uuid) == [export.blob_name]
