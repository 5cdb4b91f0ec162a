"""The hash chain: a canonical serialisation of an event and the hash that links it.

Each event stores `prev_hash` (the hash of the previous event of its practice)
and its own `hash`, in two steps:

    content = SHA-256(canonical JSON of CONTENT_FIELDS plus the practice:
                     compact, keys sorted, UTF-8, as orjson writes it)
    hash    = SHA-256("<prev_hash>:<seq>:<content>")

The content hash is computed in Python before the chain is touched; the link
step is so simple that PostgreSQL computes it itself while it advances the
chain head, which lets record_event append in one statement (audit/services.py).
Changing what is hashed breaks every existing chain: add fields only with a
versioned scheme.
"""

import hashlib

import orjson

GENESIS = "0" * 64

# The fields of an event's content hash. Changing this list breaks every chain.
CONTENT_FIELDS = (
    "uuid",
    "created_at",
    "actor_type",
    "member_id",
    "actor_uuid",
    "action",
    "object_type",
    "object_uuid",
    "patient_uuid",
    "ip",
    "user_agent",
    "outcome",
    "reason",
    "request_id",
    "details",
)
# Everything the stored hash covers: the content plus the link.
HASHED_FIELDS = (*CONTENT_FIELDS, "seq", "prev_hash")
_CANONICAL_KEYS = (*CONTENT_FIELDS, "practice_id")


# created_at as canonical_values writes it, computed by PostgreSQL: readers that
# let the server format a million rows (verify_audit, the CSV export) use this.
CREATED_AT_TEXT_SQL = (
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
)


def canonical_values(values: dict) -> bytes:
    """Canonical bytes of an event's content given as {field: value}.

    The values are CONTENT_FIELDS plus practice_id, as the model holds them or
    already as text (verification reads them as text from PostgreSQL).
    """
    out = {name: values[name] for name in _CANONICAL_KEYS}
    created = out["created_at"]
    if not isinstance(created, str):
        out["created_at"] = created.isoformat(timespec="microseconds")
    # orjson writes a UUID as str() does and sorts the keys; it is ten times
    # faster than json, which matters when verify_audit re-hashes a million events.
    return orjson.dumps(out, option=orjson.OPT_SORT_KEYS)


def content_hash(values: dict) -> str:
    return hashlib.sha256(canonical_values(values)).hexdigest()


def link_hash(prev_hash: str, seq: int, content: str) -> str:
    """The stored hash; the SQL in audit/services.py computes exactly this."""
    return hashlib.sha256(f"{prev_hash}:{seq}:{content}".encode()).hexdigest()


def values_hash(values: dict) -> str:
    """The stored hash of an event given as {field: value} (HASHED_FIELDS + practice_id)."""
    return link_hash(values["prev_hash"], values["seq"], content_hash(values))


def event_hash(event) -> str:
    values = {name: getattr(event, name) for name in HASHED_FIELDS}
    values["practice_id"] = event.practice_id
    return values_hash(values)
