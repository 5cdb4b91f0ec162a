"""Alerts to compliance officers (S38): chain breaks and unusual volumes.

check_chains() runs nightly (audit.tasks.verify_audit_chains); scan_for_alerts()
every few minutes (audit.tasks.scan_audit_alerts). Both record an event and
e-mail the practice's compliance officers, once per subject and window. Mails
name members and addresses, never patients (S27).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext

from audit.actions import Action, ActorType, Outcome
from audit.models import AccessEvent, AuditAlert, ChainStatus, PracticeAuditSettings
from audit.services import record_event
from audit.verify import ChainResult, verify_all

logger = logging.getLogger(__name__)

# Reads of one patient's record that count towards the volume alert.
PATIENT_READS = (
    Action.PATIENT_VIEWED,
    Action.TIMELINE_VIEWED,
    Action.VISIT_VIEWED,
    Action.PHOTO_VIEWED,
    Action.CONSENT_VIEWED,
    Action.CONSENT_DOWNLOADED,
    Action.EXPORT_STARTED,
    Action.EXPORT_DOWNLOADED,
)
# S38: refusals of share links and of patients' own links (wrong identity answers
# included) count alike towards the token-guessing alert of an address.
LINK_REFUSALS = (
    Action.SHARE_REFUSED,
    Action.PATIENT_LINK_REFUSED,
    Action.PATIENT_LINK_CHECK_FAILED,
)
WINDOW = timedelta(hours=1)


def compliance_emails(practice) -> list[str]:
    from pixiodoc.accounts.models import Member

    return sorted(
        Member.objects.filter(
            practice=practice,
            role=Member.Role.COMPLIANCE,
            is_active=True,
            user__is_active=True,
        ).values_list("user__email", flat=True)
    )


def settings_for(practice) -> PracticeAuditSettings:
    found = PracticeAuditSettings.objects.filter(practice=practice).first()
    return found or PracticeAuditSettings(practice=practice)


def _notify(practice, subject: str, body: str) -> None:
    recipients = compliance_emails(practice)
    if not recipients:
        logger.warning(
            "audit alert for practice %s: no compliance officer", practice.uuid
        )
        return
    transaction.on_commit(
        lambda: send_mail(
            f"[PixioDoc] {subject}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
    )


# --- chain breaks ---------------------------------------------------------------


@transaction.atomic
def check_chains(*, practice=None) -> list[ChainResult]:
    """Verify the chains, keep each practice's status, and alert on a new break.

    The break is recorded as an AUDIT_CHAIN_BROKEN event appended after it: the
    append never repairs the chain, so verify_audit keeps naming the break.
    """
    results = verify_all(practice)
    for result in results:
        keep_result(result)
    return results


def keep_result(result: ChainResult) -> None:
    """Store a practice's chain status (the banner), and alert on a new break."""
    now = timezone.now()
    if result.practice is None:
        if not result.intact:
            logger.error("audit chain without practice: %s", result.line())
        return
    broken = result.broken
    ChainStatus.objects.update_or_create(
        practice=result.practice,
        defaults={
            "checked_at": now,
            "intact": result.intact,
            "events": result.events,
            "broken_event_id": broken.event_id if broken else None,
            "kind": broken.kind if broken else "",
            "message": result.line()[:300] if broken else "",
        },
    )
    if broken is not None:
        _alert_break(result, now)


def _alert_break(result: ChainResult, now) -> None:
    practice, broken = result.practice, result.broken
    subject = f"{broken.event_id}:{broken.kind}"
    if AuditAlert.objects.filter(
        practice=practice, kind=AuditAlert.Kind.CHAIN_BROKEN, subject=subject
    ).exists():
        return  # already reported; the banner stays until the chain holds
    AuditAlert.objects.create(
        practice=practice,
        kind=AuditAlert.Kind.CHAIN_BROKEN,
        subject=subject[:64],
        raised_at=now,
    )
    details = {"event_id": broken.event_id, "seq": broken.seq, "kind": broken.kind}
    try:
        with transaction.atomic():
            record_event(
                action=Action.AUDIT_CHAIN_BROKEN,
                practice=practice,
                actor_type=ActorType.SYSTEM,
                outcome=Outcome.FAILED,
                reason=broken.kind,
                details=details,
            )
    except IntegrityError:
        # A forged event occupies the next seq: record in the chain of no practice.
        record_event(
            action=Action.AUDIT_CHAIN_BROKEN,
            actor_type=ActorType.SYSTEM,
            outcome=Outcome.FAILED,
            reason=broken.kind,
            details={**details, "practice": str(practice.uuid)},
        )
    # A nightly job: the officers read it in their practice's language.
    with translation.override(practice.language):
        _notify(
            practice,
            gettext("Audit log integrity check failed"),
            gettext(
                "The audit log of %(practice)s failed its nightly integrity check.\n\n"
                "%(line)s\n\n"
                "Events are still shown on the audit pages, with the break marked. Keep "
                "a copy of the database as it is now and investigate who changed the "
                "audit table."
            )
            % {"practice": practice.name, "line": result.line()},
        )


# --- unusual volumes ---------------------------------------------------------------


def _already_alerted(practice, kind, subject, now) -> bool:
    return AuditAlert.objects.filter(
        practice=practice, kind=kind, subject=subject, raised_at__gt=now - WINDOW
    ).exists()


@transaction.atomic
def scan_for_alerts(*, now=None) -> list[AuditAlert]:
    """Raise an alert for each member or address over its practice's thresholds.

    Looks at the last hour of events; a subject alerted within the hour is not
    alerted again.
    """
    from pixiodoc.accounts.models import Member, Practice

    now = now or timezone.now()
    since = now - WINDOW
    recent = AccessEvent.objects.filter(created_at__gt=since, created_at__lte=now)
    raised = []
    volumes = (
        recent.filter(
            action__in=PATIENT_READS, member__isnull=False, patient_uuid__isnull=False
        )
        .values("practice_id", "member_id")
        .annotate(patients=Count("patient_uuid", distinct=True))
    )
    misses = (
        recent.filter(action__in=LINK_REFUSALS, ip__isnull=False)
        .exclude(practice__isnull=True)
        .values("practice_id", "ip")
        .annotate(refusals=Count("id"))
    )
    practices = {}

    def practice_of(pk):
        if pk not in practices:
            practices[pk] = Practice.objects.get(pk=pk)
        return practices[pk]

    for row in volumes:
        practice = practice_of(row["practice_id"])
        limit = settings_for(practice).max_patients_per_hour
        if row["patients"] <= limit:
            continue
        member = Member.objects.select_related("user").get(pk=row["member_id"])
        kind, subject = AuditAlert.Kind.PATIENT_VOLUME, str(member.uuid)
        if _already_alerted(practice, kind, subject, now):
            continue
        with translation.override(practice.language):
            raised.append(
                _raise(
                    practice,
                    kind,
                    subject,
                    row["patients"],
                    now,
                    details={
                        "member": subject,
                        "patients": row["patients"],
                        "limit": limit,
                    },
                    body=gettext(
                        "%(email)s (%(role)s) opened %(count)s different patients in the "
                        "last hour; the practice's threshold is %(limit)s."
                    )
                    % {
                        "email": member.user.email,
                        "role": member.get_role_display(),
                        "count": row["patients"],
                        "limit": limit,
                    },
                )
            )
    for row in misses:
        practice = practice_of(row["practice_id"])
        limit = settings_for(practice).max_share_refusals_per_hour
        if row["refusals"] <= limit:
            continue
        kind, subject = AuditAlert.Kind.SHARE_TOKEN_MISSES, str(row["ip"])
        if _already_alerted(practice, kind, subject, now):
            continue
        with translation.override(practice.language):
            raised.append(
                _raise(
                    practice,
                    kind,
                    subject,
                    row["refusals"],
                    now,
                    details={
                        "ip": subject,
                        "refusals": row["refusals"],
                        "limit": limit,
                    },
                    body=gettext(
                        "The address %(address)s was refused %(count)s share-link opens "
                        "in the last hour; the practice's threshold is %(limit)s. Someone "
                        "may be guessing link tokens."
                    )
                    % {"address": subject, "count": row["refusals"], "limit": limit},
                )
            )
    return raised


def raise_once(practice, *, kind, subject: str, details: dict, body: str):
    """Alert the compliance officers about `subject` (a uuid, never PHI) once ever.

    For what other apps watch (an overdue request, a break-glass access): they
    name the subject and the words; audit keeps the alert, the event and the mail.
    Returns the alert, or None when this subject was alerted before.
    """
    if AuditAlert.objects.filter(
        practice=practice, kind=kind, subject=subject
    ).exists():
        return None
    return _raise(
        practice, kind, subject, 1, timezone.now(), details=details, body=body
    )


def _raise(practice, kind, subject, count, now, *, details, body) -> AuditAlert:
    alert = AuditAlert.objects.create(
        practice=practice, kind=kind, subject=subject, count=count, raised_at=now
    )
    record_event(
        action=Action.ALERT_RAISED,
        practice=practice,
        actor_type=ActorType.SYSTEM,
        reason=kind,
        details={"kind": kind, **details},
    )
    with translation.override(practice.language):
        subject_line = gettext("Alert: %(kind)s") % {
            "kind": AuditAlert.Kind(kind).label
        }
    _notify(practice, subject_line, body)
    return alert
