"""record_event: the one way anything is written to the audit log (DESIGN.md §7, S26, S27)."""

import ipaddress
import logging
import uuid as uuid_module

from django.db import connection, transaction
from django.utils import timezone

from audit.actions import ActorType, Outcome
from audit.chain import GENESIS, event_hash
from audit.models import AccessEvent, ChainHead
from pixiodoc.middleware import current_request_id
from pixiodoc.net import client_ip

logger = logging.getLogger(__name__)


def _uuid_of(thing) -> uuid_module.UUID | None:
    if thing is None:
        return None
    if isinstance(thing, uuid_module.UUID):
        return thing
    if isinstance(thing, str):
        return uuid_module.UUID(thing)
    return thing.uuid


def _clean_text(value: str, limit: int) -> str:
    # PostgreSQL refuses NUL in text; a crafted User-Agent must not break auditing.
    return value.replace("\x00", "")[:limit]


def _normalised_ip(value: str | None) -> str | None:
    """The address as PostgreSQL's inet gives it back, so the hash still matches."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def chain_key(practice) -> str:
    return str(practice.uuid) if practice is not None else "global"


def record_event(
    *,
    action: str,
    actor=None,
    request=None,
    practice=None,
    target=None,
    patient=None,
    outcome: str = Outcome.OK,
    reason: str = "",
    details: dict | None = None,
    actor_type: str | None = None,
    actor_uuid=None,
    object_type: str = "",
) -> AccessEvent:
    """Append one PHI-free event to its practice's chain.

    `actor` is a Member (or None for share-link recipients, jobs and unknown
    users, who are named by `actor_type` (ActorType.SHARE_LINK, SYSTEM, USER,
    ANONYMOUS) and `actor_uuid`). `target` and `patient` are model instances or
    uuids: they are stored by type and uuid, never by name (S27); give
    `object_type` when `target` is a bare uuid. `reason` is a short code
    ("wrong_password"), never free text from a user. Call it inside the
    service's transaction so nothing commits unrecorded.
    """
    if practice is None and actor is not None:
        practice = actor.practice
    if actor_type is None:
        actor_type = ActorType.MEMBER if actor else ActorType.ANONYMOUS
    request_id = current_request_id()
    event = AccessEvent(
        practice=practice,
        actor_type=str(actor_type),
        member=actor,
        actor_uuid=_uuid_of(actor_uuid) or (actor.user.uuid if actor else None),
        action=str(action),
        object_type=target._meta.label_lower
        if hasattr(target, "_meta")
        else object_type,
        object_uuid=_uuid_of(target),
        patient_uuid=_uuid_of(patient),
        outcome=str(outcome),
        reason=_clean_text(str(reason), 200),
        details=details or {},
        request_id=request_id if request_id != "-" else "",
    )
    if request is not None:
        event.ip = _normalised_ip(client_ip(request))
        event.user_agent = _clean_text(request.META.get("HTTP_USER_AGENT", ""), 300)
        event.request_id = event.request_id or getattr(request, "request_id", "")[:32]
    with transaction.atomic():
        _link(event)
    logger.debug(
        "audit %s %s %s", event.action, event.object_uuid or "-", event.outcome
    )
    return event


def _link(event: AccessEvent) -> None:
    """Take the practice's chain head under a row lock, then append after it.

    The UPDATE ... RETURNING comes first so the lock (a row lock on PostgreSQL,
    the write lock on SQLite) is taken before anything is read: concurrent
    writers queue here instead of forking the chain (S28). Three statements in
    all: advance the head, insert the event, store its hash in the head.
    """
    key = chain_key(event.practice)
    head = _advance(key)
    if head is None:
        ChainHead.objects.get_or_create(key=key)
        head = _advance(key)
    # Taken under the lock, so time never runs backwards along the chain.
    event.created_at = timezone.now()
    event.seq, event.prev_hash = head[0], head[1] or GENESIS
    event.hash = event_hash(event)
    event.save(force_insert=True)
    ChainHead.objects.filter(key=key).update(last_hash=event.hash)


def _advance(key: str) -> tuple[int, str] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_chainhead SET seq = seq + 1 WHERE key = %s "
            "RETURNING seq, last_hash",
            [key],
        )
        return cursor.fetchone()
