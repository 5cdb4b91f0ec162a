"""What a patient may do with their own link: every request re-checks it (issue 15).

The patient has no account. Answering the identity check (date of birth, and the
surname's last three letters when the link asks) grants their session access to
the link under its current `session_generation`; every later request checks the
grant and the link again, so a revocation, an expiry, a lock, a withdrawal of
treatment consent or an erasure request closes the link at once. Refusals raise
LinkUnavailable with the true reason, for the audit only (S23): tokens, the
address throttle and the failure counter are the share links' own
(sharing.tokens, sharing.throttle, ShareFailure).
"""

import hmac
import logging
import uuid
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.actions import Action, ActorType, Outcome
from audit.services import record_event
from pixiodoc.languages import show_times_of
from pixiodoc.net import client_ip
from sharing import throttle, tokens
from sharing.exceptions import AddressThrottled, LinkUnavailable
from sharing.models import PatientLink, ShareFailure

logger = logging.getLogger(__name__)

GRANTS_SESSION_KEY = "patient_link_grants"
TREATMENT = "treatment"
# Five wrong answers lock the link, as five wrong passcodes lock a share link.
CHECK_LIMIT = throttle.LINK_PASSCODE_LIMIT
SURNAME_LETTERS = 3
Reason = PatientLink.Reason


class WrongIdentity(LinkUnavailable):
    """A wrong answer on a live link: the same form again, with a neutral message."""

    def __init__(self, link):
        super().__init__(Reason.WRONG_IDENTITY, link)


@dataclass(frozen=True)
class Grant:
    link: PatientLink
    session_uuid: str


def closed_reason(link: PatientLink) -> str | None:
    """Why the link is closed, or None while it is open. Asked at every request."""
    if link.revoked_at is not None:
        return Reason.REVOKED
    if link.locked_at is not None:
        return Reason.LOCKED
    if link.is_expired:
        return Reason.EXPIRED
    return patient_closed_reason(link)


def patient_closed_reason(link: PatientLink) -> str | None:
    """Rules owned by other apps, checked where the data is used (DESIGN.md §1).

    Never cached: an erasure request (from the moment it is filed, before its
    four-eyes approval blocks the record) or a withdrawal of treatment consent
    closes the link at once, without patients or consent knowing of it.
    """
    from consent.checks import has_consent
    from patients.lifecycle.models import ErasureRequest

    patient = link.patient
    if patient.blocked_at is not None:
        return Reason.BLOCKED
    if ErasureRequest.objects.filter(
        patient=patient, status__in=ErasureRequest.OPEN
    ).exists():
        return Reason.BLOCKED
    if not has_consent(patient, TREATMENT):
        return Reason.NO_TREATMENT_CONSENT
    return None


def find_link(*, token: str, request) -> PatientLink:
    """The link a token names, or a refusal; throttles the address first (S6)."""
    if throttle.address_throttled(client_ip(request)):
        logger.warning("patient link request throttled for an address")
        raise AddressThrottled
    link = None
    if tokens.looks_like_token(token):
        link = (
            PatientLink.objects.select_related("patient", "practice")
            .filter(token_hash=tokens.token_hash(token))
            .first()
        )
    if link is None:
        refuse(reason=Reason.UNKNOWN, link=None, request=request)
    show_times_of(link.practice)
    return link


def open_link(*, token: str, request) -> tuple[PatientLink, Grant | None]:
    """Any request to the link: the link if it is open, and the session's grant."""
    link = find_link(token=token, request=request)
    if reason := closed_reason(link):
        refuse(reason=reason, link=link, request=request)
    return link, current_grant(link=link, request=request)


def authorise(*, token: str, request) -> Grant:
    """A request inside the link (consents, a PDF, a change): needs a live grant."""
    link, grant = open_link(token=token, request=request)
    if grant is None:
        refuse(reason=Reason.NO_SESSION, link=link, request=request)
    return grant


def current_grant(*, link: PatientLink, request) -> Grant | None:
    grant = request.session.get(GRANTS_SESSION_KEY, {}).get(str(link.uuid))
    if not grant or grant.get("generation") != link.session_generation:
        return None
    return Grant(link=link, session_uuid=grant["session"])


def answers_match(*, link: PatientLink, date_of_birth: date | None, surname: str):
    """Both answers checked every time, compared in constant time where text."""
    patient = link.patient
    born_right = date_of_birth is not None and date_of_birth == patient.date_of_birth
    if not link.ask_surname:
        return born_right
    expected = _last_letters(patient.family_name)
    given = _last_letters(surname)
    letters_right = bool(given) and hmac.compare_digest(
        expected.encode(), given.encode()
    )
    return born_right and letters_right


def _last_letters(name: str) -> str:
    letters = [c for c in (name or "").casefold() if c.isalpha()]
    return "".join(letters[-SURNAME_LETTERS:])


def check_identity(
    *, token: str, date_of_birth: date | None, surname: str, request
) -> Grant:
    """POST of the identity form: a grant (new session key), or a refusal.

    A wrong answer counts towards the link's lock (five, counted under the
    link's row lock) and the address throttle; it raises WrongIdentity, or the
    neutral LinkUnavailable once it locked the link (S23).
    """
    link = find_link(token=token, request=request)
    if reason := closed_reason(link):
        refuse(reason=reason, link=link, request=request)
    if not answers_match(link=link, date_of_birth=date_of_birth, surname=surname):
        if _count_wrong_answer(link=link, request=request) > 0:
            raise WrongIdentity(link)
        raise LinkUnavailable(Reason.LOCKED, link)
    if grant := current_grant(link=link, request=request):
        return grant  # a second submit is not a second session
    return _grant_new_session(link=link, request=request)


def _grant_new_session(*, link: PatientLink, request) -> Grant:
    """Count one session; the conditional UPDATE lets exactly `session_limit` in."""
    now = timezone.now()
    session_uuid = str(uuid.uuid4())
    with transaction.atomic():
        counted = PatientLink.objects.filter(
            pk=link.pk,
            revoked_at__isnull=True,
            locked_at__isnull=True,
            expires_at__gt=now,
            sessions__lt=F("session_limit"),
        ).update(sessions=F("sessions") + 1)
        if counted:
            _record(
                action=Action.PATIENT_LINK_OPENED,
                link=link,
                request=request,
                details={"session": session_uuid},
            )
    if not counted:
        link.refresh_from_db()
        refuse(
            reason=closed_reason(link) or Reason.EXHAUSTED, link=link, request=request
        )
    # S24: a fresh session key for the grant, so a planted or sniffed one is useless.
    request.session.cycle_key()
    grants = dict(request.session.get(GRANTS_SESSION_KEY, {}))
    grants[str(link.uuid)] = {
        "generation": link.session_generation,
        "session": session_uuid,
    }
    request.session[GRANTS_SESSION_KEY] = grants
    return Grant(link=link, session_uuid=session_uuid)


def _count_wrong_answer(*, link: PatientLink, request) -> int:
    """Count one wrong answer under the link's row lock; the tries left before the lock.

    The row lock makes the count exact: twenty simultaneous wrong answers lock
    the link at the fifth and the rest find it locked.
    """
    from sharing import notifications

    with transaction.atomic():
        locked = PatientLink.objects.select_for_update().get(pk=link.pk)
        already_locked = locked.locked_at is not None
        if not already_locked and _count_one(locked=locked, request=request):
            transaction.on_commit(
                lambda: notifications.tell_practice_patient_link_locked(
                    link_uuid=link.uuid
                )
            )
    if already_locked:
        # Another answer locked it while this one waited for the row.
        refuse(reason=Reason.LOCKED, link=link, request=request)
    return max(0, CHECK_LIMIT - locked.failed_checks)


def _count_one(*, locked: PatientLink, request) -> bool:
    """Inside the row lock: one more wrong answer; whether it locked the link."""
    locked.failed_checks += 1
    update = ["failed_checks"]
    just_locked = locked.failed_checks >= CHECK_LIMIT
    if just_locked:
        locked.locked_at = timezone.now()
        update.append("locked_at")
    locked.save(update_fields=update)
    throttle.record_failure(
        ip=client_ip(request), kind=ShareFailure.Kind.WRONG_IDENTITY
    )
    _record(
        action=Action.PATIENT_LINK_CHECK_FAILED,
        link=locked,
        request=request,
        outcome=Outcome.DENIED,
        reason=Reason.WRONG_IDENTITY,
        details={"failed_checks": locked.failed_checks},
    )
    if just_locked:
        _record(
            action=Action.PATIENT_LINK_LOCKED,
            link=locked,
            request=request,
            outcome=Outcome.DENIED,
            reason=Reason.LOCKED,
        )
    return just_locked


def refuse(*, reason: str, link: PatientLink | None, request):
    """Record the true reason (and count a guessed token per address), then raise."""
    with transaction.atomic():
        if reason == Reason.UNKNOWN:
            throttle.record_failure(
                ip=client_ip(request), kind=ShareFailure.Kind.UNKNOWN_TOKEN
            )
        _record(
            action=Action.PATIENT_LINK_REFUSED,
            link=link,
            request=request,
            outcome=Outcome.DENIED,
            reason=str(reason),
        )
    raise LinkUnavailable(reason, link)


def record_link_event(
    *, action: str, grant: Grant, request, target=None, details=None
) -> None:
    """An audited action inside a granted session (a page, a PDF, a request)."""
    with transaction.atomic():
        _record(
            action=action,
            link=grant.link,
            request=request,
            target=target,
            details={"session": grant.session_uuid, **(details or {})},
        )


def audit_as_link(link: PatientLink) -> dict:
    """`record_event` arguments that name the link as actor (issue 15, §6)."""
    return {
        "actor_type": ActorType.PATIENT_LINK,
        "actor_uuid": link.uuid,
        "practice": link.practice,
    }


def _record(
    *,
    action,
    link: PatientLink | None,
    request,
    outcome=Outcome.OK,
    reason="",
    target=None,
    details=None,
):
    if link is None:
        actor = {"actor_type": ActorType.PATIENT_LINK}
    else:
        actor = audit_as_link(link)
    record_event(
        action=action,
        **actor,
        target=target if target is not None else link,
        patient=link.patient.uuid if link else None,
        request=request,
        outcome=outcome,
        reason=str(reason),
        details=details,
    )
