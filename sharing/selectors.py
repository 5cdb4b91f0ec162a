"""Reads of share links, scoped to the member's practice (DESIGN.md §6)."""

from django.db.models import QuerySet

from audit.actions import Action
from audit.models import AccessEvent
from pixiodoc.accounts.models import Member
from sharing.models import ShareLink


def share_links_for(*, member: Member) -> QuerySet[ShareLink]:
    """The one scoping helper: another practice's link is never in it (404, S8).

    Clinicians and owners see the links of their practice; compliance officers
    see them too so they can revoke any (DESIGN.md §6).
    """
    return ShareLink.objects.filter(practice_id=member.practice_id).select_related(
        "patient", "created_by__user", "revoked_by__user"
    )


def link_history(*, link: ShareLink, limit: int = 500) -> list[AccessEvent]:
    """Everything the link's recipients did, as the audit log recorded it, newest first."""
    events = list(
        AccessEvent.objects.filter(
            practice_id=link.practice_id, actor_uuid=link.uuid
        ).order_by("-created_at", "-seq")[:limit]
    )
    labels = dict(Action.choices)
    for event in events:
        event.action_label = labels.get(event.action, event.action)
    return events


def link_photos(*, link: ShareLink) -> list:
    """The photos a link shares (none until imaging's Photo is linked)."""
    return []
