from datetime import date

import pytest
from django.db import IntegrityError

from audit.actions import Action
from audit.models import AccessEvent
from patients.exceptions import LifecycleError
from patients.lifecycle import erasure as erasure_service
from patients.lifecycle import retention
from patients.lifecycle.models import ErasureCertificate, ErasureRequest
from patients.models import IndexTerm, Patient, Visit
from patients.selectors import patients_for
from patients.tests.lifecycle_helpers import approved_erasure, make_patient_with_blobs
from pixiodoc import blobs, crypto

Status = ErasureRequest.Status


def test_a_clinician_files_and_a_compliance_officer_approves(
    clinician, compliance, django_capture_on_commit_callbacks
):
    patient, _ = make_patient_with_blobs(actor=clinician)
    erasure = erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 2), reason="asked"
    )
    assert erasure.status == Status.PENDING
    with django_capture_on_commit_callbacks() as callbacks:
        erasure_service.approve_erasure(actor=compliance, erasure=erasure, reason="ok")
    erasure.refresh_from_db()
    assert erasure.status == Status.APPROVED
    assert erasure.decided_by == compliance
    assert len(callbacks) == 1  # the job is queued after commit


def test_approval_blocks_the_record_at_once(clinician, compliance):
    patient, _ = make_patient_with_blobs(actor=clinician)
    approved_erasure(patient=patient, requester=clinician, approver=compliance)
    patient.refresh_from_db()
    assert patient.blocked_at is not None
    assert not patients_for(member=clinician).filter(pk=patient.pk).exists()


def test_approving_ones_own_request_is_refused(owner):
    patient, _ = make_patient_with_blobs(actor=owner)
    erasure = erasure_service.request_erasure(
        actor=owner, patient=patient, asked_on=date(2026, 11, 2)
    )
    with pytest.raises(LifecycleError, match="different owner or compliance"):
        erasure_service.approve_erasure(actor=owner, erasure=erasure)
    with pytest.raises(LifecycleError, match="different owner or compliance"):
        erasure_service.reject_erasure(actor=owner, erasure=erasure, reason="no")


def test_a_clinician_may_not_approve(owner, clinician):
    patient, _ = make_patient_with_blobs(actor=owner)
    erasure = erasure_service.request_erasure(
        actor=owner, patient=patient, asked_on=date(2026, 11, 2)
    )
    with pytest.raises(LifecycleError, match="owner or compliance"):
        erasure_service.approve_erasure(actor=clinician, erasure=erasure)


def test_an_assistant_may_not_request(assistant):
    patient, _ = make_patient_with_blobs(actor=assistant)
    with pytest.raises(LifecycleError):
        erasure_service.request_erasure(
            actor=assistant, patient=patient, asked_on=date(2026, 11, 2)
        )


def test_rejecting_needs_a_reason_and_keeps_the_record(clinician, owner):
    patient, names = make_patient_with_blobs(actor=clinician)
    erasure = erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 2)
    )
    with pytest.raises(LifecycleError, match="reason"):
        erasure_service.reject_erasure(actor=owner, erasure=erasure, reason=" ")
    erasure_service.reject_erasure(
        actor=owner, erasure=erasure, reason="Legal duty to keep records"
    )
    erasure.refresh_from_db()
    patient.refresh_from_db()
    assert erasure.status == Status.REJECTED
    assert patient.blocked_at is None
    assert all(n in blobs.blob_names(patient.uuid) for n in names)


def test_a_second_open_request_is_refused(clinician, owner):
    patient, _ = make_patient_with_blobs(actor=clinician)
    erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 2)
    )
    with pytest.raises(LifecycleError, match="already open"):
        erasure_service.request_erasure(
            actor=owner, patient=patient, asked_on=date(2026, 11, 2)
        )


def test_the_database_allows_one_open_request_per_patient(clinician):
    patient, _ = make_patient_with_blobs(actor=clinician)
    fields = dict(
        practice=clinician.practice,
        patient=patient,
        patient_uuid=patient.uuid,
        asked_on=date(2026, 11, 2),
    )
    ErasureRequest.objects.create(**fields, status=Status.REJECTED)
    ErasureRequest.objects.create(**fields, status=Status.FAILED)
    with pytest.raises(IntegrityError):
        ErasureRequest.objects.create(**fields, status=Status.PENDING)


def test_erasing_a_patient_under_legal_hold_is_refused(clinician, compliance, owner):
    patient, _ = make_patient_with_blobs(actor=clinician)
    retention.place_legal_hold(actor=compliance, patient=patient, reference="CASE-7")
    with pytest.raises(LifecycleError, match="legal hold"):
        erasure_service.request_erasure(
            actor=clinician, patient=patient, asked_on=date(2026, 11, 2)
        )


def test_a_hold_placed_after_the_request_stops_the_approval(
    clinician, compliance, owner
):
    patient, _ = make_patient_with_blobs(actor=clinician)
    erasure = erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 2)
    )
    retention.place_legal_hold(actor=compliance, patient=patient, reference="CASE-8")
    with pytest.raises(LifecycleError, match="legal hold"):
        erasure_service.approve_erasure(actor=owner, erasure=erasure)


# S20, S32
def test_the_job_erases_rows_blobs_and_the_key_and_writes_a_certificate(
    clinician, compliance
):
    patient, names = make_patient_with_blobs(actor=clinician, blobs_count=5)
    wrapped = bytes(patient.wrapped_data_key)
    old_ciphertext = {n: blobs.default_storage.open(n).read() for n in names}
    erasure = approved_erasure(
        patient=patient, requester=clinician, approver=compliance
    )

    result = erasure_service.run_erasure(request_uuid=str(erasure.uuid))

    assert result.status == Status.COMPLETED
    assert not Patient.objects.filter(uuid=patient.uuid).exists()
    assert not Visit.objects.filter(patient_id=patient.pk).exists()
    assert not IndexTerm.objects.filter(patient_id=patient.pk).exists()
    assert blobs.blob_names(patient.uuid) == []
    erasure.refresh_from_db()
    assert erasure.steps_done == list(ErasureRequest.STEPS)
    certificate = ErasureCertificate.objects.get(request=erasure)
    assert certificate.patient_uuid == patient.uuid
    assert certificate.erased["blobs"] == 5
    assert certificate.erased["key_destroyed"] is True
    assert certificate.erased["rows"]["patients.Patient"] == 1
    assert certificate.erased["rows"]["patients.Visit"] == 1
    assert certificate.approved_by_uuid == compliance.uuid
    # S20: a restored copy of a blob cannot be read: the key is gone. Even a
    # restored wrapped key is useless once the patient's row is gone with its
    # uuid-bound associated data — here we prove the empty key refuses.
    patient.wrapped_data_key = None
    with pytest.raises(crypto.KeyDestroyed):
        blobs.data_key(patient)
    assert wrapped and old_ciphertext


def test_each_step_is_audited_without_phi(clinician, compliance):
    patient, _ = make_patient_with_blobs(actor=clinician)
    erasure = approved_erasure(
        patient=patient, requester=clinician, approver=compliance
    )
    erasure_service.run_erasure(request_uuid=str(erasure.uuid))
    steps = list(
        AccessEvent.objects.filter(
            action=Action.ERASURE_STEP, object_uuid=erasure.uuid
        ).values_list("details__step", flat=True)
    )
    assert steps == list(ErasureRequest.STEPS)
    text = str(list(AccessEvent.objects.values()))
    assert "Lovelace" not in text and "Ada" not in text


def test_running_the_job_twice_is_harmless(clinician, compliance):
    patient, _ = make_patient_with_blobs(actor=clinician)
    erasure = approved_erasure(
        patient=patient, requester=clinician, approver=compliance
    )
    erasure_service.run_erasure(request_uuid=str(erasure.uuid))
    again = erasure_service.run_erasure(request_uuid=str(erasure.uuid))
    assert again.status == Status.COMPLETED
    assert ErasureCertificate.objects.filter(request=erasure).count() == 1


def test_a_job_resumes_after_the_step_that_finished(clinician, compliance):
    patient, names = make_patient_with_blobs(actor=clinician)
    erasure = approved_erasure(
        patient=patient, requester=clinician, approver=compliance
    )
    # As if a worker died right after destroying the key and one blob.
    ErasureRequest.objects.filter(pk=erasure.pk).update(
        status=Status.RUNNING, steps_done=["block", "destroy_key"]
    )
    Patient.objects.filter(pk=patient.pk).update(wrapped_data_key=None)
    blobs.delete_blob(names[0])
    result = erasure_service.run_erasure(request_uuid=str(erasure.uuid))
    assert result.status == Status.COMPLETED
    assert blobs.blob_names(patient.uuid) == []


def test_a_live_lease_keeps_a_second_runner_out(clinician, compliance):
    patient, _ = make_patient_with_blobs(actor=clinician)
    erasure = approved_erasure(
        patient=patient, requester=clinician, approver=compliance
    )
    assert erasure_service._claim(str(erasure.uuid), "first")
    result = erasure_service.run_erasure(
        request_uuid=str(erasure.uuid), runner="second"
    )
    assert result.busy_for > 0
    assert Patient.objects.filter(pk=patient.pk).exists()


def test_a_failed_step_is_visible_alerted_and_retryable(
    clinician, compliance, owner, monkeypatch
):
    patient, _ = make_patient_with_blobs(actor=clinician)
    erasure = approved_erasure(
        patient=patient, requester=clinician, approver=compliance
    )

    def broken(names):
        raise OSError("storage down")

    monkeypatch.setattr("patients.lifecycle.erasure.delete_many", broken)
    result = erasure_service.run_erasure(request_uuid=str(erasure.uuid))
    erasure.refresh_from_db()
    assert result.status == Status.FAILED
    assert erasure.failed_step == "delete_blobs"
    assert erasure.error == "OSError"
    assert AccessEvent.objects.filter(
        action=Action.ALERT_RAISED, object_uuid=erasure.uuid
    ).exists()

    monkeypatch.undo()
    erasure_service.retry_erasure(actor=owner, erasure=erasure)
    result = erasure_service.run_erasure(request_uuid=str(erasure.uuid))
    assert result.status == Status.COMPLETED
