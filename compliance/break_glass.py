"""Break-glass accesses as the review desk shows them: who, which record, why, what after."""

from dataclasses import dataclass

from django.db.models import Case, Count, When
from django.utils.translation import gettext

from audit.lookups import labels_for
from audit.readable import PATIENT_TYPE
from audit.selectors import events_for
from pixiodoc.accounts.selectors import break_glass_grants_for

SHOWN = 50


@dataclass(frozen=True)
class Reviewed:
    grant: object
    record_number: str
    events: int


def break_glass_review(*, member) -> list[Reviewed]:
    """Pending reviews first, then the latest reviewed; with the events done in each window."""
    grants = list(
        break_glass_grants_for(member=member)
        .annotate(done=Case(When(review="pending", then=0), default=1))
        .order_by("done", "-granted_at")[:SHOWN]
    )
    labels = labels_for(
        member.practice, {PATIENT_TYPE: {g.patient_uuid for g in grants}}
    )
    events = events_for(member=member)
    rows = []
    for grant in grants:
        done = events.filter(
            member_id=grant.member_id,
            created_at__gte=grant.granted_at,
            created_at__lte=grant.expires_at,
        ).aggregate(n=Count("id"))["n"]
        rows.append(
            Reviewed(
                grant=grant,
                record_number=labels.get((PATIENT_TYPE, grant.patient_uuid))
                or gettext("(no longer held)"),
                events=done,
            )
        )
    return rows
