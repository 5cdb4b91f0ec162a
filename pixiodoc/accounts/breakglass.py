"""Break-glass (#16): a member opens one record their role refuses, for 30 minutes.

Only with a stated reason, never for a patient whose erasure is under way;
alerted to the compliance officers at once, flagged on every page while it
runs (accounts.context_processors), and reviewed afterwards on the compliance
desk (accepted or questioned). The grant is consulted by the permission check
and narrows the scoping selectors to the one patient
(pixiodoc.accounts.permissions). Accounts sits below patients: the patient is
passed in by the caller and read only for its uuid, practice and block.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.actions import Action, Outcome
from audit.alerts import raise_once
from audit.models import AuditAlert
from audit.services import record_event
from pixiodoc.accounts.models import BreakGlassGrant, Member
from pixiodoc.accounts.permissions import role_may

WINDOW = timedelta(minutes=30)
Review = BreakGlassGrant.Review


class BreakGlassError(Exception):
    """Refused, with a message for the member."""


def _refuse(member, patient, code: str, message: str, request):
    record_event(
        action=Action.BREAK_GLASS_REFUSED,
        actor=member,
        request=request,
        patient=patient.uuid,
        outcome=Outcome.DENIED,
        reason=code,
    )
    raise BreakGlassError(message)


def open_grant(
    *, member: Member, patient, reason: str, request=None
) -> BreakGlassGrant:
    """Grant `member` 30 minutes on `patient` (a patients.Patient), or refuse.

    A refusal is recorded and kept: it is not inside the grant's transaction.
    """
    if patient.practice_id != member.practice_id:
        raise BreakGlassError(gettext("This patient belongs to another practice."))
    if role_may(member.role, "view_patients"):
        raise BreakGlassError(gettext("Your role opens patient records already."))
    if patient.is_blocked:
        _refuse(
            member,
            patient,
            "erased",
            gettext(
                "This patient's record is being erased: it cannot be opened, "
                "not even by break-glass."
            ),
            request,
        )
    reason = reason.strip()
    if not reason:
        _refuse(
            member,
            patient,
            "no_reason",
            gettext(
                "State why you must open this record: the compliance officers review it."
            ),
            request,
        )
    with transaction.atomic():
        return _grant(member, patient, reason, request)


def _grant(member, patient, reason, request) -> BreakGlassGrant:
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        practice_id=member.practice_id,
        member=member,
        patient_uuid=patient.uuid,
        reason=reason[:1000],
        granted_at=now,
        expires_at=now + WINDOW,
    )
    member._break_glass_patients = None  # the permission check reads it afresh
    record_event(
        action=Action.BREAK_GLASS_OPENED,
        actor=member,
        request=request,
        target=grant,
        patient=patient.uuid,
        details={"minutes": int(WINDOW.total_seconds() // 60)},
    )
    local = timezone.localtime(now)
    raise_once(
        member.practice,
        kind=AuditAlert.Kind.BREAK_GLASS,
        subject=str(grant.uuid),
        details={"member": str(member.uuid), "grant": str(grant.uuid)},
        body=f"{member.user.display_name} ({member.get_role_display()}) opened a "
        f"patient record by break-glass at {local:%d %b %Y %H:%M}, for "
        f"{int(WINDOW.total_seconds() // 60)} minutes. The reason they gave and "
        "what they did are on the compliance desk, for your review.",
    )
    return grant


def active_grants(member: Member):
    return BreakGlassGrant.objects.filter(member=member, expires_at__gt=timezone.now())


@transaction.atomic
def review_grant(
    *, actor: Member, grant: BreakGlassGrant, decision: str, note: str, request=None
) -> BreakGlassGrant:
    """Accept or question a break-glass access; never one's own, and once."""
    if not actor.may("view_audit") or grant.practice_id != actor.practice_id:
        raise BreakGlassError(
            gettext("Only the owner or a compliance officer reviews.")
        )
    if grant.member_id == actor.pk:
        raise BreakGlassError(
            gettext("Someone else must review your own break-glass access.")
        )
    grant = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.review != Review.PENDING:
        raise BreakGlassError(gettext("This access was reviewed already."))
    if decision not in (Review.ACCEPTED, Review.QUESTIONED):
        raise BreakGlassError(gettext("Choose to accept or to question the access."))
    note = note.strip()
    if decision == Review.QUESTIONED and not note:
        raise BreakGlassError(gettext("Say what is in question."))
    grant.review = decision
    grant.review_note = note
    grant.reviewed_by = actor
    grant.reviewed_at = timezone.now()
    grant.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at"])
    record_event(
        action=Action.BREAK_GLASS_REVIEWED,
        actor=actor,
        request=request,
        target=grant,
        patient=grant.patient_uuid,
        reason=decision,
    )
    return grant
