"""record_event: the one way anything is written to the audit log (DESIGN.md §7, S26, S27)."""

import functools
import ipaddress
import logging
import uuid as uuid_module

from django.db import connection, transaction
from django.utils import timezone

from audit.actions import ActorType, Outcome
from audit.chain import CONTENT_FIELDS, GENESIS, content_hash, link_hash
from audit.models import AccessEvent, ChainHead
from pixiodoc.middleware import current_request_id
from pixiodoc.net import client_ip
from pixiodoc.prepared import prepared_cursor

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
    _append(event)
    logger.debug(
        "audit %s %s %s", event.action, event.object_uuid or "-", event.outcome
    )
    return event


def record_view(
    *,
    action: str,
    actor,
    request,
    page: str,
    shown,
    target=None,
    patient=None,
    **details,
) -> AccessEvent:
    """One event for one page view that showed PHI (S40): the page and what it showed.

    `shown` names the kinds of PHI on the page ("name", "visit_notes", "tags"),
    never their values (S27); `details` adds uuids (the photos shown, say).
    """
    return record_event(
        action=action,
        actor=actor,
        request=request,
        target=target,
        patient=patient,
        details={"page": page, "shown": sorted(shown), **details},
    )


def hold_chains(practices) -> None:
    """Take the chain heads of these practices now, in one order, until commit.

    For a job that locks rows and then records events about them: with the heads
    taken first it never waits for an audit append while holding those rows, so
    a request that appended first and then wants one of the rows cannot deadlock
    with it.
    """
    keys = sorted({chain_key(practice) for practice in practices})
    for key in keys:
        ChainHead.objects.get_or_create(key=key)
    list(ChainHead.objects.select_for_update().filter(key__in=keys).order_by("key"))


def _append(event: AccessEvent) -> None:
    """Link the event after its practice's chain head and store it (S28).

    The chain head's row lock serialises concurrent writers, so the chain never
    forks. On PostgreSQL one statement advances the head (computing the link
    hash itself, audit/chain.py) and inserts the event: one round trip, planned
    once per connection (pixiodoc.prepared), which is what makes auditing every
    read affordable. Elsewhere (SQLite, a single writer at a time) the same
    happens in three statements in a transaction.
    """
    event.created_at = timezone.now()
    values = {name: getattr(event, name) for name in CONTENT_FIELDS}
    values["practice_id"] = event.practice_id
    content = content_hash(values)
    key = chain_key(event.practice)
    append = (
        _append_in_one_statement
        if connection.vendor == "postgresql"
        else _append_in_steps
    )
    if not append(event, key, content):
        ChainHead.objects.get_or_create(key=key)
        append(event, key, content)
    event._state.adding = False
    event._state.db = connection.alias


# The fields record_event fills in Python; seq, prev_hash and hash come from the head.
_INSERTED = [
    f
    for f in AccessEvent._meta.concrete_fields
    if f.name not in ("id", "seq", "prev_hash", "hash")
]
_LINK_SQL = """
WITH head AS (
    UPDATE audit_chainhead
    SET seq = seq + 1,
        prev_hash = last_hash,
        last_hash = encode(sha256(convert_to(
            last_hash || ':' || (seq + 1)::text || ':' || %s, 'UTF8')), 'hex')
    WHERE key = %s
    RETURNING seq, prev_hash, last_hash
)
INSERT INTO audit_accessevent ({columns}, seq, prev_hash, hash)
SELECT {values}, head.seq, head.prev_hash, head.last_hash FROM head
RETURNING id, seq, prev_hash, hash
"""


@functools.cache
def _link_statement() -> str:
    """_LINK_SQL for this table, built once: it runs on every audited request."""
    return _LINK_SQL.format(
        columns=", ".join(f.column for f in _INSERTED),
        # Each value is cast to its column's type: INSERT ... SELECT does not
        # infer parameter types from the target columns as VALUES would.
        values=", ".join(f"%s::{f.db_type(connection)}" for f in _INSERTED),
    )


def _append_in_one_statement(event: AccessEvent, key: str, content: str) -> bool:
    sql = _link_statement()
    params = [content, key] + [
        f.get_db_prep_save(getattr(event, f.attname), connection) for f in _INSERTED
    ]
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False  # no head yet for this chain
    event.id, event.seq, event.prev_hash, event.hash = row
    return True


def _append_in_steps(event: AccessEvent, key: str, content: str) -> bool:
    with transaction.atomic(), connection.cursor() as cursor:
        # The UPDATE comes first so the write lock is taken before anything is read.
        cursor.execute(
            "UPDATE audit_chainhead SET seq = seq + 1 WHERE key = %s "
            "RETURNING seq, last_hash",
            [key],
        )
        head = cursor.fetchone()
        if head is None:
            return False
        event.seq, event.prev_hash = head[0], head[1] or GENESIS
        event.hash = link_hash(event.prev_hash, event.seq, content)
        event.save(force_insert=True)
        ChainHead.objects.filter(key=key).update(
            prev_hash=event.prev_hash, last_hash=event.hash
        )
    return True
