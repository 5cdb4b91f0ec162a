"""Retention (S33): which records are due for purge, legal holds, and the nightly purge.

A practice keeps a patient's record N years after the last visit (its
RetentionPolicy, else settings.RETENTION_DEFAULT_YEARS); a patient who was a
minor keeps it at least until 18 + N years after birth. A patient with no visit
counts from the day the record was made. An active LegalHold stops every purge.
Due records go through the erasure pipeline, so a purge leaves a certificate.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import Action, ActorType
from audit.services import record_event
from patients.exceptions import LifecycleError
from patients.lifecycle import erasure as erasure_service
from patients.lifecycle import jobs
from patients.lifecycle.models import (
    ErasureRequest,
    LegalHold,
    RetentionPolicy,
    RetentionRun,
)
from patients.models import Patient
from pixiodoc.accounts.models import Member, Practice

ADULT_AGE = 18
PURGE_BATCH = 100


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def policy_years(practice: Practice) -> int:
    policy = RetentionPolicy.objects.filter(practice=practice).first()
    return policy.years_after_last_visit if policy else settings.RETENTION_DEFAULT_YEARS


@dataclass
class DueRecord:
    patient_uuid: str
    last_activity: date
    due_on: date
    minor_rule: bool
    visits: int
    held: bool


@dataclass
class PracticeReport:
    practice: Practice
    years: int
    due: list[DueRecord] = field(default_factory=list)

    @property
    def to_purge(self) -> list[DueRecord]:
        return [d for d in self.due if not d.held]

    @property
    def held(self) -> list[DueRecord]:
        return [d for d in self.due if d.held]


def due_for_purge(*, practice: Practice, today: date | None = None) -> PracticeReport:
    """Every record of the practice that the next purge would take (or a hold keeps)."""
    today = today or timezone.localdate()
    years = policy_years(practice)
    cutoff = add_years(today, -years)
    open_erasure = ErasureRequest.objects.filter(
        patient_uuid=OuterRef("uuid"), status__in=ErasureRequest.OPEN
    )
    active_hold = LegalHold.objects.filter(
        patient=OuterRef("pk"), released_at__isnull=True
    )
    # The database narrows by the plaintext visit dates; only those candidates
    # have their (encrypted) date of birth decrypted for the minors' rule.
    candidates = (
        Patient.objects.filter(practice=practice, blocked_at__isnull=True)
        .annotate(
            last_visit=Max("visits__visit_on"),
            visit_count=Count("visits"),
            erasing=Exists(open_erasure),
            held=Exists(active_hold),
        )
        .filter(erasing=False)
        .filter(
            Q(last_visit__lte=cutoff)
            | Q(last_visit__isnull=True, created_at__date__lte=cutoff)
        )
        .only("uuid", "date_of_birth", "created_at")
        .order_by("pk")
    )
    report = PracticeReport(practice=practice, years=years)
    for patient in candidates:
        last = patient.last_visit or timezone.localdate(patient.created_at)
        after_visit = add_years(last, years)
        after_majority = add_years(patient.date_of_birth, ADULT_AGE + years)
        due_on = max(after_visit, after_majority)
        if due_on > today:
            continue
        report.due.append(
            DueRecord(
                patient_uuid=str(patient.uuid),
                last_activity=last,
                due_on=due_on,
                minor_rule=after_majority > after_visit,
                visits=patient.visit_count,
                held=patient.held,
            )
        )
    return report


def dry_run(*, practices=None, today: date | None = None) -> list[PracticeReport]:
    practices = (
        practices if practices is not None else Practice.objects.order_by("slug")
    )
    return [due_for_purge(practice=p, today=today) for p in practices]


def purge(*, today: date | None = None, batch: int = PURGE_BATCH) -> RetentionRun:
    """Queue an erasure for every due record not under a hold; a PHI-free report per run.

    What the run found is committed before anything is queued, so a run killed
    half-way is resumed from that record (`continue_run`, sent by the resender)
    instead of being lost with its report (issue 20).
    """
    found, report = {}, {}
    for practice in Practice.objects.order_by("pk"):
        due = due_for_purge(practice=practice, today=today)
        key = str(practice.uuid)
        found[key] = [d.patient_uuid for d in due.to_purge]
        report[key] = {
            "years": due.years,
            "due": len(due.due),
            "held": len(due.held),
            "queued": 0,
            "requests": [],
        }
    run = RetentionRun.objects.create(
        found=found, report=report, lease_until=jobs.lease_until()
    )
    jobs.checkpoint("retention.found")
    return continue_run(run=run, batch=batch)


def claim_run(*, run_uuid: str) -> RetentionRun | None:
    """The unfinished run, leased to this runner; None when finished or leased."""
    now = timezone.now()
    claimed = (
        RetentionRun.objects.filter(uuid=run_uuid, finished_at__isnull=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=jobs.lease_until())
    )
    return RetentionRun.objects.get(uuid=run_uuid) if claimed else None


def run_busy_for(*, run_uuid: str) -> float:
    """Seconds until the lease on an unfinished run ends, else 0."""
    run = RetentionRun.objects.filter(
        uuid=run_uuid, finished_at__isnull=True, lease_until__isnull=False
    ).first()
    if run is None:
        return 0
    return max((run.lease_until - timezone.now()).total_seconds(), 1)


def continue_run(*, run: RetentionRun, batch: int = PURGE_BATCH) -> RetentionRun:
    """Queue what the run found and has not queued yet, batch by batch.

    Each batch commits with its progress in the report; a batch redone after a
    crash queues nothing twice (one open erasure per patient).
    """
    report = run.report
    for practice in Practice.objects.filter(uuid__in=list(run.found)).order_by("pk"):
        key = str(practice.uuid)
        entry = report[key]
        if entry.get("done"):
            continue
        todo = run.found[key][entry.get("position", 0) :]
        for start in range(0, len(todo), batch):
            with transaction.atomic():
                queued = _queue_batch(
                    practice, todo[start : start + batch], entry["years"]
                )
                entry["requests"] = [*entry["requests"], *queued]
                entry["queued"] = len(entry["requests"])
                entry["position"] = entry.get("position", 0) + len(
                    todo[start : start + batch]
                )
                RetentionRun.objects.filter(pk=run.pk).update(
                    report=report, lease_until=jobs.lease_until()
                )
            jobs.checkpoint("retention.batch")
        with transaction.atomic():
            entry["done"] = True
            RetentionRun.objects.filter(pk=run.pk).update(report=report)
            if entry["due"]:
                record_event(
                    action=Action.RETENTION_PURGED,
                    practice=practice,
                    actor_type=ActorType.SYSTEM,
                    actor_uuid=run.uuid,
                    details={k: entry[k] for k in ("years", "due", "held", "queued")},
                )
    RetentionRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), lease_until=None
    )
    run.refresh_from_db()
    return run


def _queue_batch(practice: Practice, patient_uuids: list[str], years: int) -> list[str]:
    queued = []
    patients = Patient.objects.select_for_update().filter(
        practice=practice,
        uuid__in=patient_uuids,
        blocked_at__isnull=True,
    )
    for patient in patients:
        # Re-checked under the row lock: a hold placed since the scan wins.
        if LegalHold.objects.filter(patient=patient, released_at__isnull=True).exists():
            continue
        try:
            with transaction.atomic():
                erasure = erasure_service.queue_retention_erasure(
                    patient=patient, years=years
                )
        except IntegrityError:  # an erasure opened meanwhile
            continue
        queued.append(str(erasure.uuid))
    return queued


# --- policy and holds -------------------------------------------------------------


@transaction.atomic
def set_policy(*, actor: Member, years: int, request=None) -> RetentionPolicy:
    if not actor.may("manage_retention"):
        raise LifecycleError(
            _("Only an owner or compliance officer may set retention.")
        )
    if not 1 <= years <= 100:
        raise LifecycleError(_("Enter a number of years between 1 and 100."))
    policy, _created = RetentionPolicy.objects.update_or_create(
        practice_id=actor.practice_id,
        defaults={"years_after_last_visit": years, "updated_by": actor},
    )
    record_event(
        action=Action.RETENTION_POLICY_CHANGED,
        actor=actor,
        request=request,
        details={"years": years},
    )
    return policy


@transaction.atomic
def place_legal_hold(
    *, actor: Member, patient: Patient, reference: str, request=None
) -> LegalHold:
    if not actor.may("manage_retention"):
        raise LifecycleError(_("Only an owner or compliance officer may place a hold."))
    if patient.practice_id != actor.practice_id:
        raise LifecycleError(_("This patient belongs to another practice."))
    if not reference.strip():
        raise LifecycleError(_("Enter the case reference the hold is for."))
    erasing = ErasureRequest.objects.filter(
        patient_uuid=patient.uuid, status__in=ErasureRequest.OPEN
    ).first()
    if erasing is not None and "destroy_key" in erasing.steps_done:
        raise LifecycleError(
            _("This record is already being erased; a hold is too late.")
        )
    try:
        with transaction.atomic():
            hold = LegalHold.objects.create(
                patient=patient, reference=reference.strip(), placed_by=actor
            )
    except IntegrityError:
        raise LifecycleError(_("This patient is already under a legal hold.")) from None
    record_event(
        action=Action.LEGAL_HOLD_PLACED,
        actor=actor,
        request=request,
        target=hold,
        patient=patient,
    )
    return hold


@transaction.atomic
def release_legal_hold(*, actor: Member, hold: LegalHold, request=None) -> LegalHold:
    if not actor.may("manage_retention"):
        raise LifecycleError(
            _("Only an owner or compliance officer may release a hold.")
        )
    if hold.patient.practice_id != actor.practice_id:
        raise LifecycleError(_("This hold belongs to another practice."))
    if hold.released_at is not None:
        raise LifecycleError(_("This hold was already released."))
    hold.released_at = timezone.now()
    hold.released_by = actor
    hold.save(update_fields=["released_at", "released_by"])
    record_event(
        action=Action.LEGAL_HOLD_RELEASED,
        actor=actor,
        request=request,
        target=hold,
        patient=hold.patient,
    )
    return hold
