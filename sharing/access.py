"""What a recipient may do with a link: every request re-checks the link (S22–S24).

A recipient has no account. Opening a link (and, when it has one, giving the
passcode) grants their session access to that link under the link's current
`session_generation`; each later request checks the grant and the link again,
so a revocation, a new passcode, an expiry, a withdrawn consent or an erasure
request closes the link at once. Every refusal raises LinkUnavailable with
the true reason, which goes to the audit log and never to the recipient (S23).
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.actions import Action, ActorType, Outcome
from audit.services import record_event
from pixiodoc.languages import show_times_of
from pixiodoc.net import client_ip
from sharing import throttle, tokens
from sharing.exceptions import AddressThrottled, LinkUnavailable, WrongPasscode
from sharing.models import ShareAccess, ShareFailure, ShareLink
from sharing.passcodes import passcode_matches

logger = logging.getLogger(__name__)

GRANTS_SESSION_KEY = "share_grants"
SECOND_OPINION = "second_opinion"
Reason = ShareLink.Reason


@dataclass(frozen=True)
class Grant:
    link: ShareLink
    access_uuid: str


def closed_reason(link: ShareLink) -> str | None:
    """Why the link is closed to everyone, or None while it is open.

    The open limit is not here: it refuses new opens only, not the sessions
    that already used them.
    """
    if link.revoked_at is not None:
        return Reason.REVOKED
    if link.locked_at is not None:
        return Reason.LOCKED
    if link.is_expired:
        return Reason.EXPIRED
    return patient_closed_reason(link)


def patient_closed_reason(link: ShareLink) -> str | None:
    """Rules owned by other apps, checked where the data is used (DESIGN.md §1).

    Asked at every request, never cached: a withdrawal or an erasure request
    closes the patient's links at once, without consent or patients knowing
    that sharing exists.
    """
    from consent.checks import has_consent

    if link.patient.blocked_at is not None:
        return Reason.BLOCKED
    if not has_consent(link.patient, SECOND_OPINION):
        return Reason.NO_CONSENT
    return None


def find_link(*, token: str, request) -> ShareLink:
    """The link a token names, or a refusal; throttles the address first (S6)."""
    ip = client_ip(request)
    if throttle.address_throttled(ip):
        logger.warning("share request throttled for an address")
        raise AddressThrottled
    link = None
    if tokens.looks_like_token(token):
        link = (
            ShareLink.objects.select_related("patient", "practice", "created_by__user")
            .filter(token_hash=tokens.token_hash(token))
            .first()
        )
    if link is None:
        refuse(reason=Reason.UNKNOWN, link=None, request=request)
    show_times_of(link.practice)
    return link


def refuse(*, reason: str, link: ShareLink | None, request, event_action=None):
    """Record the true reason (audit, and the address counter when it is a guess), then raise."""
    ip = client_ip(request)
    with transaction.atomic():
        if reason == Reason.UNKNOWN:
            throttle.record_failure(ip=ip, kind=ShareFailure.Kind.UNKNOWN_TOKEN)
        _record(
            action=event_action or Action.SHARE_REFUSED,
            link=link,
            request=request,
            outcome=Outcome.DENIED,
            reason=str(reason),
        )
    raise LinkUnavailable(reason, link)


def current_grant(*, link: ShareLink, request) -> Grant | None:
    grant = request.session.get(GRANTS_SESSION_KEY, {}).get(str(link.uuid))
    if not grant or grant.get("generation") != link.session_generation:
        return None
    return Grant(link=link, access_uuid=grant["access"])


def open_link(*, token: str, request) -> tuple[ShareLink, Grant | None]:
    """GET of the share page: the link and the session's grant, if it has one.

    A GET never counts an open (S10): mail scanners and link previews fetch
    links before people do, and must not use up an open limit. Without a grant
    the page offers a button (or the passcode form) that POSTs to start_session.
    """
    link = find_link(token=token, request=request)
    if reason := closed_reason(link):
        refuse(reason=reason, link=link, request=request)
    grant = current_grant(link=link, request=request)
    if grant is None and link.is_exhausted:
        refuse(reason=Reason.EXHAUSTED, link=link, request=request)
    if grant is not None:
        with transaction.atomic():
            _record(
                action=Action.SHARE_OPENED,
                link=link,
                request=request,
                details={"access": grant.access_uuid, "new_open": False},
            )
    return link, grant


def start_session(*, token: str, passcode: str, request) -> Grant:
    """POST of the share page: one open, after the passcode when the link has one.

    A wrong passcode counts towards the link's lock (5) and the address's throttle;
    it raises WrongPasscode with the tries left, or, once it locked the link, the
    neutral LinkUnavailable (S23).
    """
    link = find_link(token=token, request=request)
    if reason := closed_reason(link):
        refuse(reason=reason, link=link, request=request)
    if link.has_passcode and not passcode_matches(passcode, link.passcode_hash):
        tries_left = _count_wrong_passcode(link=link, request=request)
        if tries_left > 0:
            raise WrongPasscode(link, tries_left=tries_left)
        raise LinkUnavailable(Reason.WRONG_PASSCODE, link)
    if not link.has_passcode and (grant := current_grant(link=link, request=request)):
        return grant  # a second press of the button is not a second open
    return _grant_new_open(link=link, request=request)


def authorise(*, token: str, request) -> Grant:
    """Any request inside a link (an image, a download): needs a live grant."""
    link = find_link(token=token, request=request)
    if reason := closed_reason(link):
        refuse(reason=reason, link=link, request=request)
    grant = current_grant(link=link, request=request)
    if grant is None:
        refuse(reason=Reason.NO_SESSION, link=link, request=request)
    return grant


def _grant_new_open(*, link: ShareLink, request) -> Grant:
    """Count one open; the conditional UPDATE lets exactly `open_limit` through (S22).

    The WHERE clause is evaluated by the database under the row lock, so twenty
    simultaneous opens of a three-open link cannot all read "2 < 3".
    """
    now = timezone.now()
    with transaction.atomic():
        counted = (
            ShareLink.objects.filter(
                pk=link.pk,
                revoked_at__isnull=True,
                locked_at__isnull=True,
                expires_at__gt=now,
            )
            .filter(Q(open_limit__isnull=True) | Q(opens__lt=F("open_limit")))
            .update(opens=F("opens") + 1, last_opened_at=now)
        )
        if counted:
            access = ShareAccess.objects.create(
                link=link, opened_at=now, ip=client_ip(request)
            )
            _record(
                action=Action.SHARE_OPENED,
                link=link,
                request=request,
                details={"access": str(access.uuid), "new_open": True},
            )
    if not counted:
        link.refresh_from_db()
        reason = closed_reason(link) or Reason.EXHAUSTED
        refuse(reason=reason, link=link, request=request)
    # S24: a fresh session key for the grant, so a planted or sniffed one is useless.
    request.session.cycle_key()
    grants = dict(request.session.get(GRANTS_SESSION_KEY, {}))
    grants[str(link.uuid)] = {
        "generation": link.session_generation,
        "access": str(access.uuid),
    }
    request.session[GRANTS_SESSION_KEY] = grants
    return Grant(link=link, access_uuid=str(access.uuid))


def _count_wrong_passcode(*, link: ShareLink, request) -> int:
    """Count one wrong passcode (locking at the limit); the tries left before the lock."""
    from sharing import notifications

    ip = client_ip(request)
    with transaction.atomic():
        locked = ShareLink.objects.select_for_update().get(pk=link.pk)
        locked.failed_passcodes += 1
        update = ["failed_passcodes"]
        just_locked = (
            locked.failed_passcodes >= throttle.LINK_PASSCODE_LIMIT
            and locked.locked_at is None
        )
        if just_locked:
            locked.locked_at = timezone.now()
            update.append("locked_at")
        locked.save(update_fields=update)
        throttle.record_failure(
            ip=ip, kind=ShareFailure.Kind.WRONG_PASSCODE, link=locked
        )
        _record(
            action=Action.SHARE_REFUSED,
            link=link,
            request=request,
            outcome=Outcome.DENIED,
            reason=Reason.WRONG_PASSCODE,
            details={"failed_passcodes": locked.failed_passcodes},
        )
        if just_locked:
            _record(
                action=Action.SHARE_LOCKED,
                link=link,
                request=request,
                outcome=Outcome.DENIED,
                reason=Reason.LOCKED,
            )
            transaction.on_commit(
                lambda: notifications.tell_sender_link_locked(link_uuid=link.uuid)
            )
    return max(0, throttle.LINK_PASSCODE_LIMIT - locked.failed_passcodes)


def record_link_event(
    *, action: str, grant: Grant, request, target=None, outcome=Outcome.OK, details=None
) -> None:
    """An audited action inside a granted session (image view, download)."""
    with transaction.atomic():
        _record(
            action=action,
            link=grant.link,
            request=request,
            target=target,
            outcome=outcome,
            details={"access": grant.access_uuid, **(details or {})},
        )


def _record(
    *,
    action,
    link: ShareLink | None,
    request,
    outcome=Outcome.OK,
    reason="",
    target=None,
    details=None,
):
    record_event(
        action=action,
        actor_type=ActorType.SHARE_LINK,
        actor_uuid=link.uuid if link else None,
        practice=link.practice if link else None,
        target=target if target is not None else link,
        patient=link.patient.uuid if link else None,
        request=request,
        outcome=outcome,
        reason=str(reason),
        details=details,
    )
