"""Verification of the hash chains (DESIGN.md §9, S28).

verify_chain(practice) walks one practice's events in seq order, streaming, and
stops at the first break, saying what is wrong with it:

- edited: an event's contents no longer match its hash, or it was re-hashed and
  no longer matches the hash its successor recorded;
- missing: events were deleted (a gap in seq, or the newest ones are gone);
- inserted: an event that record_event did not write (beyond the chain head, or
  squeezed between two linked events);
- reordered: an event whose predecessor now comes after it.

Lookups by hash to tell these apart run only once a break is found.
"""

from dataclasses import dataclass

import orjson
from django.db import connection
from django.db.models import Max

from audit.chain import CREATED_AT_TEXT_SQL, GENESIS, HASHED_FIELDS, values_hash
from audit.models import AccessEvent, ChainCheckpoint, ChainHead
from audit.retention import checkpoint_is_genuine
from audit.services import chain_key

EDITED, MISSING, INSERTED, REORDERED = "edited", "missing", "inserted", "reordered"
_FIELDS = ("id", "practice_id", *HASHED_FIELDS, "hash")
CHUNK = 20000


@dataclass(frozen=True)
class Break:
    event_id: int | None
    seq: int | None
    kind: str
    message: str


@dataclass(frozen=True)
class ChainResult:
    practice: object  # Practice or None (the chain of events with no practice)
    events: int
    broken: Break | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None

    @property
    def label(self) -> str:
        return self.practice.slug if self.practice is not None else "(no practice)"

    def line(self) -> str:
        """The one line verify_audit prints for a broken chain."""
        b = self.broken
        name = f"event {b.event_id}" if b.event_id is not None else "checkpoint"
        return (
            f"broken: {name} {b.kind} (practice {self.label}, seq {b.seq}): {b.message}"
        )


def _chain(practice):
    if practice is None:
        return AccessEvent.objects.filter(practice__isnull=True)
    return AccessEvent.objects.filter(practice=practice)


def _head(practice) -> tuple[int, str] | None:
    row = (
        ChainHead.objects.filter(key=chain_key(practice))
        .values_list("seq", "last_hash")
        .first()
    )
    return tuple(row) if row else None


def verify_chain(practice, *, progress=None) -> ChainResult:
    """Check one chain from its newest retention checkpoint (or its start) to its head.

    `progress(count)`, when given, hears how many events are checked every CHUNK.
    """
    head = _head(practice)
    checkpoint = (
        ChainCheckpoint.objects.filter(
            **({"practice": practice} if practice else {"practice__isnull": True})
        )
        .order_by("-seq")
        .first()
    )
    expected, prev = 1, GENESIS
    if checkpoint is not None:
        if not checkpoint_is_genuine(checkpoint):
            return ChainResult(
                practice,
                0,
                Break(
                    None,
                    checkpoint.seq,
                    EDITED,
                    "the retention checkpoint does not match its signature",
                ),
            )
        expected, prev = checkpoint.seq + 1, checkpoint.last_hash
    count, last = 0, None
    for event in _events(practice, expected):
        broken = _check(practice, event, expected, prev, last, head)
        if broken is not None:
            return ChainResult(practice, count, broken)
        if head is not None and event["seq"] == head[0] and event["hash"] != head[1]:
            return ChainResult(
                practice,
                count,
                Break(
                    event["id"],
                    event["seq"],
                    EDITED,
                    "its hash differs from the one the chain head recorded: it was re-hashed",
                ),
            )
        prev, expected, last = event["hash"], event["seq"] + 1, event
        count += 1
        if progress is not None and count % CHUNK == 0:
            progress(count)
    if head is not None and head[0] >= expected:
        gone = head[0] - expected + 1
        after = f"after event {last['id']}" if last else "of the chain"
        return ChainResult(
            practice,
            count,
            Break(
                last["id"] if last else None,
                expected,
                MISSING,
                f"the newest {gone} event(s) {after} were deleted",
            ),
        )
    return ChainResult(practice, count)


# Each field as text in the form canonical_values gives it, so PostgreSQL does
# the conversions in C: a million events then verify in well under a minute.
_TEXT_COLUMNS = {
    "uuid": "uuid::text",
    "created_at": CREATED_AT_TEXT_SQL,
    "actor_uuid": "actor_uuid::text",
    "object_uuid": "object_uuid::text",
    "patient_uuid": "patient_uuid::text",
    "ip": "host(ip)",
}
_TEXT_SELECT = (
    "SELECT "  # noqa: S608 - constants of this module only
    + ", ".join(_TEXT_COLUMNS.get(name, name) for name in _FIELDS)
    + " FROM audit_accessevent WHERE {practice} AND seq >= %s AND seq < %s ORDER BY seq"
)


def _events(practice, first_seq: int):
    """The chain's events from first_seq on, in seq order, as {field: value}, streamed."""
    if connection.vendor != "postgresql":
        rows = (
            _chain(practice)
            .filter(seq__gte=first_seq)
            .order_by("seq")
            .values_list(*_FIELDS)
            .iterator(chunk_size=CHUNK)
        )
        for row in rows:
            yield dict(zip(_FIELDS, row, strict=True))
        return
    # Ranges of seq rather than "LIMIT n": each query touches CHUNK rows at most,
    # whatever plan PostgreSQL picks (with stale statistics it sorted everything
    # after first_seq for every chunk). "= %s" and "IS NULL" apart, so that the
    # (practice, seq) index applies.
    if practice is None:
        sql, scope = _TEXT_SELECT.format(practice="practice_id IS NULL"), []
    else:
        sql, scope = _TEXT_SELECT.format(practice="practice_id = %s"), [practice.pk]
    last_seq = _chain(practice).aggregate(last=Max("seq"))["last"] or 0
    while first_seq <= last_seq:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*scope, first_seq, first_seq + CHUNK])
            rows = cursor.fetchall()
        for row in rows:
            event = dict(zip(_FIELDS, row, strict=True))
            event["details"] = orjson.loads(event["details"])
            yield event
        first_seq += CHUNK


def _check(practice, event, expected, prev, last, head) -> Break | None:
    seq, event_id = event["seq"], event["id"]
    if head is not None and seq > head[0]:
        fresh = _head(practice)  # a writer may have appended since we started
        if fresh is None or seq > fresh[0]:
            return Break(
                event_id,
                seq,
                INSERTED,
                "it lies beyond the chain head: record_event did not write it",
            )
    if seq > expected:
        return Break(
            event_id,
            seq,
            MISSING,
            f"{seq - expected} event(s) before it (seq {expected}-{seq - 1}) were deleted",
        )
    if event["prev_hash"] != prev:
        return _classify_link(practice, event, last)
    if values_hash(event) != event["hash"]:
        return Break(event_id, seq, EDITED, "its contents no longer match its hash")
    return None


def _classify_link(practice, event, last) -> Break:
    """The event does not link to the one before it: find out why."""
    seq, event_id = event["seq"], event["id"]
    found = (
        _chain(practice)
        .filter(hash=event["prev_hash"])
        .values_list("id", "seq")
        .first()
    )
    if found is None:
        if last is None:
            return Break(
                event_id,
                seq,
                MISSING,
                "the event it follows is gone: earlier events were deleted",
            )
        return Break(
            last["id"],
            last["seq"],
            EDITED,
            f"it was changed and re-hashed: event {event_id} recorded a different hash for it",
        )
    found_id, found_seq = found
    if found_seq > seq:
        return Break(
            event_id,
            seq,
            REORDERED,
            f"it now comes before event {found_id} (seq {found_seq}), which it followed",
        )
    intruder = (
        _chain(practice)
        .filter(seq__gt=found_seq)
        .order_by("seq")
        .values_list("id", "seq")
        .first()
    )
    return Break(
        intruder[0],
        intruder[1],
        INSERTED,
        f"it was put between event {found_id} and event {event_id}, which are linked",
    )


def chains(practice=None) -> list:
    """The chains to check: one practice's, or every practice's plus the global one."""
    from pixiodoc.accounts.models import Practice

    if practice is not None:
        return [practice]
    return [*Practice.objects.order_by("slug"), None]


def verify_all(practice=None) -> list[ChainResult]:
    return [verify_chain(p) for p in chains(practice)]
