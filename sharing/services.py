"""Changes to share links made by members: create, revoke, extend, new passcode.

Each is atomic and audited inside its transaction (STYLE.md §3); e-mails go
out on commit.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.actions import Action, ActorType
from audit.services import record_event
from pixiodoc.accounts.models import Member
from sharing.exceptions import ShareLinkError
from sharing.models import ABSOLUTE_MAX_DAYS, ShareLink
from sharing.passcodes import hash_passcode, new_passcode
from sharing.throttle import forget_old_failures

# Closed links keep their data this long for the sender's "Shared links" page.
KEEP_CLOSED_LINKS = timedelta(days=30)


def max_days_for(practice) -> int:
    """The practice's maximum, never more than 30 days (S22)."""
    return max(1, min(practice.share_link_max_days, ABSOLUTE_MAX_DAYS))


def latest_expiry(*, link: ShareLink):
    """The latest a link may be extended to: the practice maximum from its creation."""
    return link.created_at + timedelta(days=max_days_for(link.practice))


def _check_lifetime(*, link: ShareLink, expires_at) -> None:
    if expires_at > latest_expiry(link=link):
        raise ShareLinkError(
            f"A link can last at most {max_days_for(link.practice)} days from when it "
            "was created. Choose an earlier date."
        )
    if expires_at <= timezone.now():
        raise ShareLinkError("Choose an expiry date in the future.")


def _own_practice(*, actor: Member, link: ShareLink) -> None:
    if link.practice_id != actor.practice_id:
        raise ShareLinkError("This link belongs to another practice.")


@transaction.atomic
def revoke_share_link(*, actor: Member, link: ShareLink, request=None) -> ShareLink:
    """Close the link at once, open recipient sessions included (S24)."""
    _own_practice(actor=actor, link=link)
    if not actor.may("revoke_share"):
        raise ShareLinkError("Your role cannot revoke share links.")
    link = ShareLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        return link
    link.revoked_at = timezone.now()
    link.revoked_by = actor
    link.session_generation = F("session_generation") + 1
    link.save(update_fields=["revoked_at", "revoked_by", "session_generation"])
    link.refresh_from_db()
    record_event(
        action=Action.SHARE_REVOKED,
        actor=actor,
        request=request,
        target=link,
        patient=link.patient.uuid,
    )
    return link


@transaction.atomic
def extend_share_link(
    *, actor: Member, link: ShareLink, expires_at, request=None
) -> ShareLink:
    """A later expiry, still within the practice maximum counted from creation."""
    _own_practice(actor=actor, link=link)
    if not actor.may("create_share"):
        raise ShareLinkError("Your role cannot extend share links.")
    link = ShareLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None or link.locked_at is not None:
        raise ShareLinkError("This link is closed. Create a new link instead.")
    if expires_at <= link.expires_at:
        raise ShareLinkError("Choose a date later than the current expiry.")
    _check_lifetime(link=link, expires_at=expires_at)
    previous = link.expires_at
    link.expires_at = expires_at
    link.save(update_fields=["expires_at"])
    record_event(
        action=Action.SHARE_EXTENDED,
        actor=actor,
        request=request,
        target=link,
        patient=link.patient.uuid,
        details={
            "from": previous.isoformat(timespec="seconds"),
            "to": expires_at.isoformat(timespec="seconds"),
        },
    )
    return link


@transaction.atomic
def change_passcode(
    *, actor: Member, link: ShareLink, request=None
) -> tuple[ShareLink, str]:
    """A new passcode, returned once; every recipient session of the link ends (S24)."""
    _own_practice(actor=actor, link=link)
    if not actor.may("create_share"):
        raise ShareLinkError("Your role cannot change passcodes.")
    link = ShareLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None or link.locked_at is not None:
        raise ShareLinkError("This link is closed. Create a new link instead.")
    passcode = new_passcode()
    link.passcode_hash = hash_passcode(passcode)
    link.session_generation = F("session_generation") + 1
    link.save(update_fields=["passcode_hash", "session_generation"])
    link.refresh_from_db()
    record_event(
        action=Action.SHARE_PASSCODE_CHANGED,
        actor=actor,
        request=request,
        target=link,
        patient=link.patient.uuid,
    )
    return link, passcode


def delete_closed_links(*, now=None) -> int:
    """Delete links closed (expired, revoked or locked) more than 30 days ago.

    The recipient's name, address and the message go with the row; the audit
    events stay (they name the link by uuid only). Idempotent: safe to run twice.
    """
    cutoff = (now or timezone.now()) - KEEP_CLOSED_LINKS
    closed = (
        Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff) | Q(locked_at__lt=cutoff)
    )
    deleted = 0
    for link in ShareLink.objects.filter(closed).select_related("practice", "patient")[
        :1000
    ]:
        with transaction.atomic():
            record_event(
                action=Action.SHARE_DELETED,
                actor_type=ActorType.SYSTEM,
                practice=link.practice,
                target=link,
                patient=link.patient.uuid,
            )
            link.delete()
        deleted += 1
    forget_old_failures()
    return deleted
