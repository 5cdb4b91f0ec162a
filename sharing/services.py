"""Changes to share links made by members: create, revoke, extend, new passcode.

Each is atomic and audited inside its transaction (STYLE.md §3); e-mails go
out on commit.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from audit.actions import Action, ActorType
from audit.services import record_event
from pixiodoc.accounts.models import Member
from sharing import notifications, tokens
from sharing.access import SECOND_OPINION
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
            ngettext(
                "A link can last at most %(days)s day from when it was created. "
                "Choose an earlier date.",
                "A link can last at most %(days)s days from when it was created. "
                "Choose an earlier date.",
                max_days_for(link.practice),
            )
            % {"days": max_days_for(link.practice)}
        )
    if expires_at <= timezone.now():
        raise ShareLinkError(gettext("Choose an expiry date in the future."))


def _own_practice(*, actor: Member, link: ShareLink) -> None:
    if link.practice_id != actor.practice_id:
        raise ShareLinkError(gettext("This link belongs to another practice."))


DEFAULT_DAYS = 7
MAX_OPEN_LIMIT = 100


@transaction.atomic
def create_share_link(
    *,
    actor: Member,
    patient,
    photos,
    recipient_name: str,
    recipient_email: str,
    message: str = "",
    days: int = DEFAULT_DAYS,
    with_passcode: bool = False,
    open_limit: int | None = None,
    allow_download: bool = False,
    include_identity: bool = False,
    link_url,
    request=None,
) -> tuple[ShareLink, str, str | None]:
    """Create a link to some of a patient's photos -> (link, token, passcode or None).

    The token and the passcode are returned once, here: only their hashes are
    kept (S21). `link_url(token)` builds the absolute URL for the e-mail, which
    goes out when the transaction commits.
    """
    from consent.checks import require_consent
    from consent.exceptions import ConsentRequired

    if not actor.may("create_share"):
        raise ShareLinkError(gettext("Your role cannot share photos."))
    if patient.practice_id != actor.practice_id:
        raise ShareLinkError(gettext("This patient belongs to another practice."))
    if patient.blocked_at is not None:
        raise ShareLinkError(
            gettext("This patient's record is being erased; nothing can be shared.")
        )
    photos = list(photos)
    if not photos:
        raise ShareLinkError(
            gettext("Choose at least one photo or a whole visit to share.")
        )
    if any(p.patient_id != patient.pk or p.deleted_at is not None for p in photos):
        raise ShareLinkError(gettext("Choose only this patient's photos."))
    max_days = max_days_for(actor.practice)
    if not 1 <= days <= max_days:
        raise ShareLinkError(
            gettext(
                "Choose between 1 and %(days)s days: your practice allows links "
                "to last at most %(days)s days."
            )
            % {"days": max_days}
        )
    if open_limit is not None and not 1 <= open_limit <= MAX_OPEN_LIMIT:
        raise ShareLinkError(
            gettext("Choose an open limit between 1 and %(limit)s, or leave it empty.")
            % {"limit": MAX_OPEN_LIMIT}
        )
    try:
        require_consent(patient, SECOND_OPINION)
    except ConsentRequired as exc:
        raise ShareLinkError(str(exc)) from None

    token = tokens.new_token()
    passcode = new_passcode() if with_passcode else None
    now = timezone.now()
    link = ShareLink(
        practice=actor.practice,
        patient=patient,
        created_by=actor,
        recipient_name=recipient_name.strip(),
        recipient_email=recipient_email.strip(),
        message=message.strip(),
        token_hash=tokens.token_hash(token),
        passcode_hash=hash_passcode(passcode) if passcode else "",
        created_at=now,
        expires_at=now + timedelta(days=days),
        open_limit=open_limit,
        allow_download=allow_download,
        include_identity=include_identity,
    )
    link.full_clean(exclude=["practice", "patient", "created_by", "photos"])
    link.save()
    link.photos.set(photos)
    # PHI-free: uuids and settings only, never the recipient or the message (S27).
    record_event(
        action=Action.SHARE_CREATED,
        actor=actor,
        request=request,
        target=link,
        patient=patient,
        details={
            "photos": [str(p.uuid) for p in photos],
            "days": days,
            "passcode": bool(passcode),
            "open_limit": open_limit,
            "allow_download": allow_download,
            "include_identity": include_identity,
        },
    )
    url = link_url(token)
    transaction.on_commit(
        lambda: notifications.send_link_to_recipient(link=link, url=url)
    )
    return link, token, passcode


@transaction.atomic
def revoke_share_link(*, actor: Member, link: ShareLink, request=None) -> ShareLink:
    """Close the link at once, open recipient sessions included (S24)."""
    _own_practice(actor=actor, link=link)
    if not actor.may("revoke_share"):
        raise ShareLinkError(gettext("Your role cannot revoke share links."))
    return close_link(
        link=link, actor=actor, action=Action.SHARE_REVOKED, request=request
    )


def close_link(*, link, actor: Member, action: str, request=None):
    """Revoke a share or patient link under its row lock; its sessions end at once.

    A new session generation makes every grant held in a session stale (S24).
    Revoking twice changes nothing and records nothing. Runs in the caller's
    transaction.
    """
    link = type(link).objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        return link
    link.revoked_at = timezone.now()
    link.revoked_by = actor
    link.session_generation = F("session_generation") + 1
    link.save(update_fields=["revoked_at", "revoked_by", "session_generation"])
    link.refresh_from_db()
    record_event(
        action=action,
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
        raise ShareLinkError(gettext("Your role cannot extend share links."))
    link = ShareLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None or link.locked_at is not None:
        raise ShareLinkError(gettext("This link is closed. Create a new link instead."))
    if expires_at <= link.expires_at:
        raise ShareLinkError(gettext("Choose a date later than the current expiry."))
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
        raise ShareLinkError(gettext("Your role cannot change passcodes."))
    link = ShareLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None or link.locked_at is not None:
        raise ShareLinkError(gettext("This link is closed. Create a new link instead."))
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
