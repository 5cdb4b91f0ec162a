"""Reads of share links, scoped to the member's practice (DESIGN.md §6)."""

from django.db.models import Count, QuerySet

from audit.actions import Action
from audit.models import AccessEvent
from pixiodoc.accounts.models import Member
from sharing.models import ShareLink


def share_links_for(*, member: Member) -> QuerySet[ShareLink]:
    """The one scoping helper: another practice's link is never in it (404, S8).

    Clinicians and owners see the links of their practice; compliance officers
    see them too so they can revoke any (DESIGN.md §6).
    """
    return (
        ShareLink.objects.filter(practice_id=member.practice_id)
        .select_related("patient", "created_by__user", "revoked_by__user")
        .annotate(photo_count=Count("photos"))
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
    """The live photos a link shares, oldest visit first; a deleted photo drops out."""
    return list(
        link.photos.filter(deleted_at__isnull=True, patient_id=link.patient_id)
        .select_related("visit")
        .order_by("visit__visit_on", "created_at", "id")
    )


def shareable_photos(*, member: Member, patient):
    """The patient's photos a member may put in a link, by visit, newest visit first."""
    from imaging.selectors import patient_photos

    return patient_photos(member=member, patient=patient).order_by(
        "-visit__visit_on", "visit_id", "created_at", "id"
    )
