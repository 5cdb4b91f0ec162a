"""The register of patients' GDPR requests (Art. 15, 16, 17, 20, 7(3)) and their deadlines.

Art. 12(3): an answer within one month of receipt, extendable by two further
months with the reason told to the patient. A request names its patient (a
staff member or the compliance officer found it by record number, without
opening the record); access and portability requests are answered with the
patient export, which the member handling the request may start and download
even without access to patient pages (the compliance officer) (#16).
"""

import calendar
from datetime import date

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit.actions import Action, ActorType
from audit.alerts import raise_once
from audit.models import AuditAlert
from audit.services import record_event
from patients.exceptions import LifecycleError
from patients.lifecycle import erasure as erasure_service
from patients.lifecycle import export as export_service
from patients.lifecycle.models import PatientExport, SubjectRequest
from patients.models import Patient

Kind, Status = SubjectRequest.Kind, SubjectRequest.Status


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@transaction.atomic
def register_request(
    *,
    patient: Patient,
    kind: str,
    received_on: date,
    source: str,
    actor=None,
    by_patient_link=None,
    request=None,
) -> SubjectRequest:
    """Enter a request in the register; `actor` is None when the patient filed it
    (through their verified patient link `by_patient_link`, the event's actor)."""
    if kind not in Kind.values:
        raise LifecycleError(_("Choose what the patient asks for."))
    if source not in SubjectRequest.Source.values:
        raise LifecycleError(_("Say how the request reached the practice."))
    if actor is not None and actor.practice_id != patient.practice_id:
        raise LifecycleError(_("This patient belongs to another practice."))
    if received_on > timezone.localdate():
        raise LifecycleError(_("The date of receipt cannot be in the future."))
    subject_request = SubjectRequest.objects.create(
        practice_id=patient.practice_id,
        patient=patient,
        patient_uuid=patient.uuid,
        kind=kind,
        source=source,
        received_on=received_on,
        due_on=add_months(received_on, 1),
        registered_by=actor,
    )
    record_event(
        action=Action.REQUEST_REGISTERED,
        actor=actor,
        practice=patient.practice,
        actor_type=None
        if actor
        else (ActorType.PATIENT_LINK if by_patient_link else ActorType.ANONYMOUS),
        actor_uuid=by_patient_link.uuid if by_patient_link else None,
        request=request,
        target=subject_request,
        patient=patient,
        details={"kind": kind, "source": source, "due_on": str(subject_request.due_on)},
    )
    return subject_request


def _locked_open(subject_request: SubjectRequest) -> SubjectRequest:
    locked = SubjectRequest.objects.select_for_update().get(pk=subject_request.pk)
    if not locked.is_open:
        raise LifecycleError(_("This request is closed."))
    return locked


@transaction.atomic
def extend_request(
    *, actor, subject_request: SubjectRequest, reason: str, request=None
) -> SubjectRequest:
    """Two more months (Art. 12(3)), once, with a reason."""
    subject_request = _locked_open(subject_request)
    if subject_request.extended_to is not None:
        raise LifecycleError(
            _("This request was extended already; it can be only once.")
        )
    reason = reason.strip()
    if not reason:
        raise LifecycleError(
            _("Give the reason for the extension: the patient is told.")
        )
    subject_request.extended_to = add_months(subject_request.due_on, 2)
    subject_request.extension_reason = reason[:500]
    subject_request.extended_by = actor
    subject_request.save(
        update_fields=["extended_to", "extension_reason", "extended_by"]
    )
    record_event(
        action=Action.REQUEST_EXTENDED,
        actor=actor,
        request=request,
        target=subject_request,
        patient=subject_request.patient_uuid,
        details={"to": str(subject_request.extended_to)},
    )
    return subject_request


@transaction.atomic
def close_request(
    *, actor, subject_request: SubjectRequest, status: str, outcome: str, request=None
) -> SubjectRequest:
    """Record the answer (or the refusal, with its reason)."""
    subject_request = _locked_open(subject_request)
    if status not in (Status.ANSWERED, Status.REFUSED):
        raise LifecycleError(_("Choose whether the request was answered or refused."))
    outcome = outcome.strip()
    if status == Status.REFUSED and not outcome:
        raise LifecycleError(_("Give the reason for the refusal: the patient is told."))
    subject_request.status = status
    subject_request.outcome = outcome[:500]
    subject_request.closed_by = actor
    subject_request.closed_at = timezone.now()
    subject_request.save(update_fields=["status", "outcome", "closed_by", "closed_at"])
    record_event(
        action=Action.REQUEST_CLOSED,
        actor=actor,
        request=request,
        target=subject_request,
        patient=subject_request.patient_uuid,
        details={"status": status},
    )
    return subject_request


def _patient_of(subject_request: SubjectRequest) -> Patient:
    if subject_request.patient is None:
        raise LifecycleError(_("This patient's record is no longer held."))
    return subject_request.patient


@transaction.atomic
def start_request_export(
    *, actor, subject_request: SubjectRequest, request=None
) -> PatientExport:
    """Start the patient export that answers an access or portability request."""
    subject_request = _locked_open(subject_request)
    if subject_request.kind not in SubjectRequest.EXPORT_KINDS:
        raise LifecycleError(
            _("Only access and portability requests are answered by export.")
        )
    export = export_service.start_export(
        actor=actor,
        patient=_patient_of(subject_request),
        request=request,
        subject_request=subject_request,
    )
    subject_request.export = export
    subject_request.save(update_fields=["export"])
    return export


@transaction.atomic
def file_erasure(*, actor, subject_request: SubjectRequest, request=None):
    """File the erasure request an Art. 17 request asks for (a second person approves)."""
    subject_request = _locked_open(subject_request)
    if subject_request.kind != Kind.ERASURE:
        raise LifecycleError(_("Only an erasure request files an erasure."))
    if subject_request.erasure_id is not None:
        raise LifecycleError(_("The erasure for this request was filed already."))
    erasure = erasure_service.request_erasure(
        actor=actor,
        patient=_patient_of(subject_request),
        asked_on=subject_request.received_on,
        reason="Art. 17 request in the register",
        request=request,
    )
    subject_request.erasure = erasure
    subject_request.save(update_fields=["erasure"])
    return erasure


def overdue(*, practice=None, today=None):
    today = today or timezone.localdate()
    late = SubjectRequest.objects.filter(status=Status.OPEN).exclude(
        extended_to__gte=today
    )
    late = late.filter(due_on__lt=today)
    return late.filter(practice=practice) if practice is not None else late


def alert_overdue(*, today=None) -> int:
    """Alert the compliance officers once about each request past its deadline."""
    raised = 0
    for late in overdue(today=today).select_related("practice"):
        # Written for the compliance officers: in their practice's language.
        with transaction.atomic(), translation.override(late.practice.language):
            alert = raise_once(
                late.practice,
                kind=AuditAlert.Kind.REQUEST_OVERDUE,
                subject=str(late.uuid),
                details={"request": str(late.uuid), "kind": late.kind},
                body=_(
                    "A patient's %(kind)s request received on %(received)s was due "
                    "on %(due)s and is still open. See the request register in "
                    "PixioDoc."
                )
                % {
                    "kind": late.get_kind_display(),
                    "received": formats.date_format(late.received_on),
                    "due": formats.date_format(late.deadline),
                },
            )
        raised += alert is not None
    return raised
