"""Right to erasure (GDPR Art. 17, S20, S32): four eyes, then a resumable job.

Filing and deciding are services run by members. Approval blocks the record at
once (every use stops: `patients_for` leaves it out, sharing checks it at every
open) and queues the job. The job runs the steps of ErasureRequest.STEPS in
order; each one is idempotent and its completion is saved with its audit event,
so a crash anywhere resumes at the step that did not finish.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.actions import Action, ActorType, Outcome
from audit.services import record_event
from patients.exceptions import LifecycleError
from patients.lifecycle import jobs
from patients.lifecycle.models import ErasureCertificate, ErasureRequest, LegalHold
from patients.lifecycle.storage import delete_many
from patients.models import Patient
from pixiodoc import blobs
from pixiodoc.accounts.models import Member

logger = logging.getLogger(__name__)
BLOB_BATCH = 100
Status = ErasureRequest.Status


def _require(actor: Member, action: str, message: str) -> None:
    if not actor.may(action):
        raise LifecycleError(message)


def _refuse_if_held(patient: Patient) -> None:
    hold = LegalHold.objects.filter(patient=patient, released_at__isnull=True).first()
    if hold is not None:
        raise LifecycleError(
            _(
                "This patient is under a legal hold (reference %(reference)s): "
                "nothing of the record may be erased until a compliance officer or "
                "owner releases the hold."
            )
            % {"reference": hold.reference}
        )


@transaction.atomic
def request_erasure(
    *,
    actor: Member | None,
    patient: Patient,
    asked_on: date,
    reason: str = "",
    by_patient_link=None,
    request=None,
) -> ErasureRequest:
    """File an erasure request; a member files it, or (actor None) the patient
    through their verified link `by_patient_link` (issue 15). Either way a
    different owner or compliance officer must still approve it (four eyes)."""
    if actor is not None:
        _require(
            actor,
            "request_erasure",
            _(
                "Only an owner, clinician or compliance officer may file an erasure "
                "request."
            ),
        )
        if patient.practice_id != actor.practice_id:
            raise LifecycleError(_("This patient belongs to another practice."))
    elif by_patient_link is None or by_patient_link.patient_id != patient.pk:
        raise LifecycleError(_("Only the patient's own verified link may ask."))
    if asked_on > timezone.localdate():
        raise LifecycleError(_("The date the patient asked cannot be in the future."))
    _refuse_if_held(patient)
    erasure = ErasureRequest(
        practice_id=patient.practice_id,
        patient=patient,
        patient_uuid=patient.uuid,
        asked_on=asked_on,
        reason=reason,
        requested_by=actor,
    )
    try:
        with transaction.atomic():
            erasure.save()
    except IntegrityError:
        raise LifecycleError(
            _(
                "An erasure request for this patient is already open; "
                "decide or finish that one first."
            )
        ) from None
    by_link = (
        {}
        if actor is not None
        else {
            "actor_type": ActorType.PATIENT_LINK,
            "actor_uuid": by_patient_link.uuid,
            "practice": patient.practice,
        }
    )
    record_event(
        action=Action.ERASURE_REQUESTED,
        actor=actor,
        request=request,
        target=erasure,
        patient=patient,
        **by_link,
    )
    return erasure


def _check_decider(actor: Member, erasure: ErasureRequest) -> None:
    _require(
        actor,
        "approve_erasure",
        _("Only an owner or compliance officer may decide an erasure request."),
    )
    if erasure.practice_id != actor.practice_id:
        raise LifecycleError(_("This request belongs to another practice."))
    if erasure.requested_by_id == actor.pk:
        raise LifecycleError(
            _(
                "You filed this request: a different owner or compliance officer "
                "must approve or reject it (four eyes)."
            )
        )
    if erasure.status != Status.PENDING:
        raise LifecycleError(
            _("This request is already decided: %(status)s.")
            % {"status": erasure.get_status_display()}
        )


@transaction.atomic
def approve_erasure(
    *, actor: Member, erasure: ErasureRequest, reason: str = "", request=None
) -> ErasureRequest:
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    _check_decider(actor, erasure)
    patient = Patient.objects.select_for_update().get(pk=erasure.patient_id)
    _refuse_if_held(patient)
    now = timezone.now()
    erasure.status = Status.APPROVED
    erasure.decided_by = actor
    erasure.decided_at = now
    erasure.decision_reason = reason
    erasure.save()
    # Block at once, before any job runs: the record stops being usable even
    # when the queue is down (DESIGN.md §1).
    Patient.objects.filter(pk=patient.pk, blocked_at__isnull=True).update(
        blocked_at=now
    )
    record_event(
        action=Action.ERASURE_APPROVED,
        actor=actor,
        request=request,
        target=erasure,
        patient=patient,
    )
    _queue(erasure)
    return erasure


@transaction.atomic
def reject_erasure(
    *, actor: Member, erasure: ErasureRequest, reason: str, request=None
) -> ErasureRequest:
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    _check_decider(actor, erasure)
    if not reason.strip():
        raise LifecycleError(
            _(
                "Give the reason for rejecting, for instance the legal duty to keep "
                "the records."
            )
        )
    erasure.status = Status.REJECTED
    erasure.decided_by = actor
    erasure.decided_at = timezone.now()
    erasure.decision_reason = reason
    erasure.save()
    record_event(
        action=Action.ERASURE_REJECTED,
        actor=actor,
        request=request,
        target=erasure,
        patient=erasure.patient_uuid,
    )
    return erasure


@transaction.atomic
def retry_erasure(
    *, actor: Member, erasure: ErasureRequest, request=None
) -> ErasureRequest:
    _require(
        actor,
        "approve_erasure",
        _("Only an owner or compliance officer may retry an erasure."),
    )
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    if erasure.practice_id != actor.practice_id:
        raise LifecycleError(_("This request belongs to another practice."))
    if erasure.status != Status.FAILED:
        raise LifecycleError(_("Only a failed erasure can be retried."))
    erasure.status = Status.APPROVED
    erasure.failed_step = ""
    erasure.error = ""
    erasure.lease_owner = ""
    erasure.lease_until = None
    erasure.save()
    record_event(
        action=Action.ERASURE_RETRIED,
        actor=actor,
        request=request,
        target=erasure,
        patient=erasure.patient_uuid,
    )
    _queue(erasure)
    return erasure


def queue_retention_erasure(*, patient: Patient, years: int) -> ErasureRequest:
    """An erasure the practice's retention policy orders: approved by the policy itself.

    Runs inside the caller's transaction (the purge batch).
    """
    now = timezone.now()
    erasure = ErasureRequest.objects.create(
        practice_id=patient.practice_id,
        patient=patient,
        patient_uuid=patient.uuid,
        origin=ErasureRequest.Origin.RETENTION,
        status=Status.APPROVED,
        asked_on=timezone.localdate(),
        reason=f"Retention policy: {years} years after the last visit",
        decided_at=now,
        decision_reason="Due under the practice's retention policy",
    )
    Patient.objects.filter(pk=patient.pk, blocked_at__isnull=True).update(
        blocked_at=now
    )
    _queue(erasure)
    return erasure


def _queue(erasure: ErasureRequest) -> None:
    from patients.tasks import carry_out_erasure

    jobs.send_on_commit(carry_out_erasure, str(erasure.uuid))


# --- the job ----------------------------------------------------------------------


@dataclass
class RunResult:
    status: str
    # Seconds until another runner's lease ends (then try again), else 0.
    busy_for: float = 0


def run_erasure(*, request_uuid: str, runner: str | None = None) -> RunResult:
    """Carry out an approved erasure from where it stopped. Safe to call twice."""
    runner = runner or jobs.runner_id()
    if not _claim(request_uuid, runner):
        erasure = ErasureRequest.objects.filter(uuid=request_uuid).first()
        if erasure is None or erasure.status not in (Status.APPROVED, Status.RUNNING):
            return RunResult(status=erasure.status if erasure else "missing")
        wait = (erasure.lease_until - timezone.now()).total_seconds()
        return RunResult(status=erasure.status, busy_for=max(wait, 1))
    erasure = ErasureRequest.objects.get(uuid=request_uuid)
    step = ""
    try:
        for step in ErasureRequest.STEPS:
            if step in erasure.steps_done:
                continue
            STEP_FUNCTIONS[step](erasure, runner)
            erasure.refresh_from_db()
    except Exception as exc:  # noqa: BLE001 - any failure must end visible (issue 7)
        _fail(erasure, step, exc)
        return RunResult(status=Status.FAILED)
    return RunResult(status=erasure.status)


def _claim(request_uuid: str, runner: str) -> bool:
    now = timezone.now()
    claimed = (
        ErasureRequest.objects.filter(
            uuid=request_uuid, status__in=[Status.APPROVED, Status.RUNNING]
        )
        .filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=runner)
        )
        .update(
            status=Status.RUNNING,
            lease_owner=runner,
            lease_until=jobs.lease_until(),
            attempts=F("attempts") + 1,
            started_at=Coalesce(F("started_at"), now),
        )
    )
    return claimed == 1


def _renew(erasure: ErasureRequest, runner: str, **fields) -> None:
    ErasureRequest.objects.filter(pk=erasure.pk).update(
        lease_owner=runner, lease_until=jobs.lease_until(), **fields
    )


def _step_done(
    erasure: ErasureRequest,
    step: str,
    runner: str,
    erased: dict | None = None,
    **details,
) -> None:
    """Save the step as done and audit it, in one transaction (S32)."""
    with transaction.atomic():
        fresh = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
        fresh.erased = {**fresh.erased, **(erased or {})}
        if step not in fresh.steps_done:
            fresh.steps_done = [*fresh.steps_done, step]
        fresh.lease_owner, fresh.lease_until = runner, jobs.lease_until()
        fresh.save(update_fields=["steps_done", "lease_owner", "lease_until", "erased"])
        record_event(
            action=Action.ERASURE_STEP,
            practice=fresh.practice,
            actor_type=ActorType.SYSTEM,
            actor_uuid=fresh.uuid,
            target=fresh,
            patient=fresh.patient_uuid,
            details={"step": step, **details},
        )


def _patient(erasure: ErasureRequest) -> Patient | None:
    return Patient.objects.filter(uuid=erasure.patient_uuid).first()


def _step_block(erasure: ErasureRequest, runner: str) -> None:
    patient = _patient(erasure)
    if patient is not None:
        # A hold placed after approval still wins: stop before anything is destroyed.
        _refuse_if_held(patient)
        Patient.objects.filter(pk=patient.pk, blocked_at__isnull=True).update(
            blocked_at=timezone.now()
        )
    _step_done(erasure, "block", runner)


def _step_destroy_key(erasure: ErasureRequest, runner: str) -> None:
    # Crypto-shred (S20): without the data key every copy of every blob,
    # backups included, is unreadable. Audited as a step (S29).
    Patient.objects.filter(uuid=erasure.patient_uuid).update(wrapped_data_key=None)
    _step_done(erasure, "destroy_key", runner, erased={"key_destroyed": True})


def _step_delete_blobs(erasure: ErasureRequest, runner: str) -> None:
    names = blobs.blob_names(erasure.patient_uuid)
    if erasure.blobs_found is None:
        erasure.blobs_found = len(names)
        _renew(erasure, runner, blobs_found=len(names))
    deleted = erasure.blobs_deleted
    for start in range(0, len(names), BLOB_BATCH):
        delete_many(names[start : start + BLOB_BATCH])
        deleted = min(
            deleted + len(names[start : start + BLOB_BATCH]), erasure.blobs_found
        )
        _renew(erasure, runner, blobs_deleted=deleted)
        jobs.checkpoint("erasure.delete_blobs")
    left = blobs.blob_names(erasure.patient_uuid)
    if left:
        raise LifecycleError(
            ngettext(
                "%(count)s file could not be deleted; retry.",
                "%(count)s files could not be deleted; retry.",
                len(left),
            )
            % {"count": len(left)}
        )
    _renew(erasure, runner, blobs_deleted=erasure.blobs_found)
    _step_done(
        erasure,
        "delete_blobs",
        runner,
        erased={"blobs": erasure.blobs_found},
        blobs=erasure.blobs_found,
    )


def _step_delete_rows(erasure: ErasureRequest, runner: str) -> None:
    patient = _patient(erasure)
    rows = dict(erasure.erased.get("rows", {}))
    with transaction.atomic():
        if patient is not None:
            # Everything hanging off the patient goes with it (CASCADE): visits,
            # index terms and each higher app's rows. Counted by model for the
            # certificate; PHI-free.
            _total, per_model = patient.delete()
            rows = {label: n for label, n in sorted(per_model.items()) if n}
        _step_done(
            erasure,
            "delete_rows",
            runner,
            erased={"rows": rows},
            rows=sum(rows.values()),
        )


def _step_certificate(erasure: ErasureRequest, runner: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        fresh = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
        ErasureCertificate.objects.get_or_create(
            request=fresh,
            defaults={
                "practice_id": fresh.practice_id,
                "patient_uuid": fresh.patient_uuid,
                "origin": fresh.origin,
                "asked_on": fresh.asked_on,
                "requested_by_uuid": fresh.requested_by.uuid
                if fresh.requested_by
                else None,
                "requested_by_role": fresh.requested_by.role
                if fresh.requested_by
                else "",
                "approved_by_uuid": fresh.decided_by.uuid if fresh.decided_by else None,
                "approved_by_role": fresh.decided_by.role if fresh.decided_by else "",
                "approved_at": fresh.decided_at,
                "started_at": fresh.started_at or now,
                "finished_at": now,
                "erased": fresh.erased,
            },
        )
        _step_done(erasure, "certificate", runner)
        ErasureRequest.objects.filter(pk=erasure.pk).update(
            status=Status.COMPLETED,
            finished_at=now,
            lease_owner="",
            lease_until=None,
        )
        record_event(
            action=Action.ERASURE_COMPLETED,
            practice=fresh.practice,
            actor_type=ActorType.SYSTEM,
            actor_uuid=fresh.uuid,
            target=fresh,
            patient=fresh.patient_uuid,
            details={"blobs": fresh.erased.get("blobs", 0)},
        )


STEP_FUNCTIONS = {
    "block": _step_block,
    "destroy_key": _step_destroy_key,
    "delete_blobs": _step_delete_blobs,
    "delete_rows": _step_delete_rows,
    "certificate": _step_certificate,
}


def _fail(erasure: ErasureRequest, step: str, exc: Exception) -> None:
    # The message of our own errors is worded for users; others give their type
    # only, as their text might carry anything.
    error = str(exc) if isinstance(exc, LifecycleError) else type(exc).__name__
    logger.error("erasure %s failed at step %s: %s", erasure.uuid, step, error)
    with transaction.atomic():
        ErasureRequest.objects.filter(pk=erasure.pk).update(
            status=Status.FAILED,
            failed_step=step,
            error=error[:200],
            lease_owner="",
            lease_until=None,
        )
        for action in (Action.ERASURE_FAILED, Action.ALERT_RAISED):
            record_event(
                action=action,
                practice=erasure.practice,
                actor_type=ActorType.SYSTEM,
                actor_uuid=erasure.uuid,
                target=erasure,
                patient=erasure.patient_uuid,
                outcome=Outcome.FAILED,
                details={"step": step, "kind": "erasure_failed"},
            )
