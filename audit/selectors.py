"""Reads of the audit log for the compliance pages, always scoped to one practice."""

from datetime import datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from audit.models import AccessEvent, ChainStatus


def events_for(*, member) -> QuerySet[AccessEvent]:
    """The member's practice's events, newest first (the one scoping helper)."""
    return AccessEvent.objects.filter(practice_id=member.practice_id).order_by("-seq")


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_events(
    events: QuerySet[AccessEvent],
    *,
    start=None,
    end=None,
    member=None,
    patient_uuid=None,
    action="",
    outcome="",
) -> QuerySet[AccessEvent]:
    """Apply the compliance filter; `end` is a whole day, included."""
    if start:
        events = events.filter(created_at__gte=_start_of(start))
    if end:
        events = events.filter(created_at__lt=_start_of(end + timedelta(days=1)))
    if member is not None:
        events = events.filter(member=member)
    if patient_uuid is not None:
        events = events.filter(patient_uuid=patient_uuid)
    if action:
        events = events.filter(action=action)
    if outcome:
        events = events.filter(outcome=outcome)
    return events


def totals(events: QuerySet[AccessEvent]) -> dict:
    """Counts for a report: all, by outcome and by action."""
    plain = events.order_by()
    return {
        "events": plain.count(),
        "by_outcome": list(
            plain.values("outcome").annotate(n=Count("id")).order_by("outcome")
        ),
        "by_action": list(
            plain.values("action").annotate(n=Count("id")).order_by("-n", "action")
        ),
    }


def chain_status(*, practice) -> ChainStatus | None:
    return ChainStatus.objects.filter(practice=practice).first()
