"""Fault tests against a real Celery worker (S20, S31, S32, S33).

With DATABASE_URL and REDIS_URL set they run on PostgreSQL and Redis (CI);
without them on the SQLite test file and the embedded filesystem broker.
"""

import io
import json
import os
import signal
import zipfile
from datetime import date

import pytest

from audit.chain import GENESIS, event_hash
from audit.models import AccessEvent
from patients.lifecycle import erasure as erasure_service
from patients.lifecycle import export as export_service
from patients.lifecycle import retention
from patients.lifecycle.models import ErasureCertificate, ErasureRequest, PatientExport
from patients.models import IndexTerm, Patient, Visit
from patients.tests.factories import make_patient, make_visit
from patients.tests.lifecycle_helpers import make_patient_with_blobs
from patients.tests.worker import start_worker, stop_worker, wait_for
from pixiodoc import blobs
from pixiodoc.celery import app

pytestmark = pytest.mark.integration
Status = ErasureRequest.Status


def _status(erasure):
    return ErasureRequest.objects.get(pk=erasure.pk).status


def _chain_intact(practice) -> bool:
    previous = GENESIS
    for event in AccessEvent.objects.filter(practice=practice).order_by("seq"):
        if event.prev_hash != previous or event_hash(event) != event.hash:
            return False
        previous = event.hash
    return True


@pytest.fixture
def worker(transactional_db):
    processes = []

    def start(**env):
        process = start_worker(env)
        processes.append(process)
        return process

    yield start
    for process in processes:
        stop_worker(process)


def _request_and_approve(patient, requester, approver):
    erasure = erasure_service.request_erasure(
        actor=requester, patient=patient, asked_on=date(2026, 11, 20), reason="asked"
    )
    return erasure_service.approve_erasure(actor=approver, erasure=erasure)


# S20, S32
def test_an_erasure_runs_end_to_end_on_a_real_worker(clinician, compliance, worker):
    worker()
    patient, names = make_patient_with_blobs(actor=clinician, blobs_count=4)
    erasure = _request_and_approve(patient, clinician, compliance)

    wait_for(lambda: _status(erasure) == Status.COMPLETED, what="the erasure")

    assert not Patient.objects.filter(uuid=patient.uuid).exists()
    assert not Visit.objects.filter(patient_id=patient.pk).exists()
    assert not IndexTerm.objects.filter(patient_id=patient.pk).exists()
    assert blobs.blob_names(patient.uuid) == []
    assert not any(blobs.default_storage.exists(n) for n in names)
    certificate = ErasureCertificate.objects.get(request=erasure)
    assert certificate.erased["key_destroyed"] is True
    assert certificate.erased["blobs"] == 4
    assert _chain_intact(clinician.practice)


# S32
def test_an_erasure_survives_its_worker_being_killed(
    clinician, compliance, worker, tmp_path
):
    faults = tmp_path / "faults"
    faults.mkdir()
    hold = faults / "erasure.delete_blobs.hold"
    hold.touch()
    env = {"PIXIODOC_FAULT_DIR": str(faults), "JOBS_LEASE_SECONDS": "3"}
    first = worker(**env)
    patient, _ = make_patient_with_blobs(actor=clinician, blobs_count=150)
    erasure = _request_and_approve(patient, clinician, compliance)

    # The job stops after the first batch of deletions; kill it there.
    wait_for((faults / "erasure.delete_blobs.reached").exists, what="the fault point")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=20)

    halfway = ErasureRequest.objects.get(pk=erasure.pk)
    assert halfway.status == Status.RUNNING
    assert halfway.steps_done == ["block", "destroy_key"]
    assert 0 < len(blobs.blob_names(patient.uuid)) < 150
    patient.refresh_from_db()
    assert patient.wrapped_data_key is None and patient.blocked_at is not None

    hold.unlink()
    worker(**env)
    wait_for(lambda: _status(erasure) == Status.COMPLETED, what="the resumed erasure")
    assert blobs.blob_names(patient.uuid) == []
    assert not Patient.objects.filter(uuid=patient.uuid).exists()
    done = ErasureRequest.objects.get(pk=erasure.pk)
    assert done.attempts >= 2
    assert done.certificate.erased["blobs"] == 150
    assert _chain_intact(clinician.practice)


def test_a_request_made_while_the_broker_is_down_completes_when_it_returns(
    clinician, compliance, worker, monkeypatch
):
    patient, _ = make_patient_with_blobs(actor=clinician)
    with monkeypatch.context() as broken:
        broken.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
        erasure = _request_and_approve(patient, clinician, compliance)
    # The approval committed and the record is blocked, though nothing was sent.
    assert _status(erasure) == Status.APPROVED
    assert Patient.objects.get(pk=patient.pk).blocked_at is not None

    worker()  # the broker is back: the worker's start picks the row up
    wait_for(lambda: _status(erasure) == Status.COMPLETED, what="the erasure")
    assert blobs.blob_names(patient.uuid) == []


# S31
def test_an_export_built_by_a_worker_holds_nothing_of_another_patient(
    clinician, worker
):
    worker()
    ada = make_patient(actor=clinician, given_name="Ada", family_name="Lovelace")
    bob = make_patient(
        actor=clinician, given_name="Bartholomew", family_name="Quixotic"
    )
    make_visit(actor=clinician, patient=ada, reason="Mole check")
    make_visit(actor=clinician, patient=bob, reason="Zebra rash")
    export = export_service.start_export(actor=clinician, patient=ada)

    wait_for(
        lambda: PatientExport.objects.get(pk=export.pk).status == "ready",
        what="the export",
    )
    _name, archive = export_service.download_export(actor=clinician, export=export)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        everything = b"".join(opened.read(n) for n in opened.namelist())
        data = json.loads(opened.read("data.json"))
    assert data["patient"]["family_name"] == "Lovelace"
    for trace in (b"Bartholomew", b"Quixotic", b"Zebra rash", str(bob.uuid).encode()):
        assert trace not in everything


# S33
def test_a_retention_purge_on_a_worker_respects_a_legal_hold(owner, compliance, worker):
    from patients.tasks import retention_purge

    due, _ = make_patient_with_blobs(actor=owner)
    held, held_blobs = make_patient_with_blobs(actor=owner)
    Visit.objects.filter(patient__in=[due, held]).update(visit_on=date(2001, 1, 1))
    retention.place_legal_hold(actor=compliance, patient=held, reference="CASE-1")
    dry = retention.due_for_purge(practice=owner.practice)
    assert {d.patient_uuid for d in dry.to_purge} == {str(due.uuid)}
    assert Patient.objects.filter(pk__in=[due.pk, held.pk]).count() == 2

    worker()
    retention_purge.delay()
    wait_for(
        lambda: ErasureRequest.objects.filter(status=Status.COMPLETED).exists(),
        what="the purge's erasure",
    )
    assert not Patient.objects.filter(pk=due.pk).exists()
    assert blobs.blob_names(due.uuid) == []
    assert Patient.objects.filter(pk=held.pk, blocked_at__isnull=True).exists()
    assert sorted(blobs.blob_names(held.uuid)) == sorted(held_blobs)
    assert ErasureRequest.objects.count() == 1
