"""record_event: the one way anything is written to the audit log (DESIGN.md §7, S26, S27)."""

import logging
import uuid as uuid_module

from django.db import transaction
from django.db.models import F
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
) -> AccessEvent:
    """Append one PHI-free event to its practice's chain.

    `actor` is a Member (or None for recipients, jobs and unknown users, who are
    named by `actor_type` and `actor_uuid`). `target` and `patient` are model
    instances or uuids: they are stored by type and uuid, never by name (S27).
    Call it inside the service's transaction so nothing commits unrecorded.
    """
    if practice is None and actor is not None:
        practice = actor.practice
    event = AccessEvent(
        practice=practice,
        created_at=timezone.now(),
        actor_type=actor_type or (ActorType.MEMBER if actor else ActorType.ANONYMOUS),
        member=actor,
        actor_uuid=_uuid_of(actor_uuid) or (actor.user.uuid if actor else None),
        action=str(action),
        object_type=target._meta.label_lower if hasattr(target, "_meta") else "",
        object_uuid=_uuid_of(target),
        patient_uuid=_uuid_of(patient),
        outcome=str(outcome),
        reason=reason[:200],
        details=details or {},
        request_id=current_request_id() if current_request_id() != "-" else "",
    )
    if request is not None:
        event.ip = client_ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    with transaction.atomic():
        _link(event)
    logger.debug(
        "audit %s %s %s", event.action, event.object_uuid or "-", event.outcome
    )
    return event


def _link(event: AccessEvent) -> None:
    """Take the practice's chain head under a row lock, then append after it."""
    key = str(event.practice.uuid) if event.practice else "global"
    ChainHead.objects.get_or_create(key=key)
    # The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite)
    # first, so concurrent writers queue here instead of forking the chain.
    ChainHead.objects.filter(key=key).update(seq=F("seq") + 1)
    head = ChainHead.objects.get(key=key)
    event.seq = head.seq
    event.prev_hash = head.last_hash or GENESIS
    event.hash = event_hash(event)
    event.save(force_insert=True)
    ChainHead.objects.filter(key=key).update(last_hash=event.hash)
