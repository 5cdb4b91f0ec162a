"""The hash chain: a canonical serialisation of an event and the hash that links it.

Each event stores `prev_hash` (the hash of the previous event of its practice)
and `hash` = SHA-256 over the canonical JSON of HASHED_FIELDS plus its practice.
Changing what is hashed breaks every existing chain: add fields only with a
versioned scheme.
"""

import hashlib
import json

GENESIS = "0" * 64

# The fields that the hash covers, in order. Changing this list breaks every chain.
HASHED_FIELDS = (
    "uuid",
    "seq",
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
    "prev_hash",
)
_KEPT_AS_IS = frozenset({"details", "seq", "member_id"})


def canonical_values(values: dict) -> bytes:
    """Canonical bytes of an event given as {field: value} (HASHED_FIELDS + practice_id)."""
    out = {}
    for name in HASHED_FIELDS:
        value = values[name]
        if name == "created_at":
            value = value.isoformat(timespec="microseconds")
        elif name not in _KEPT_AS_IS and value is not None:
            value = str(value)
        out[name] = value
    out["practice_id"] = values["practice_id"]
    return json.dumps(out, sort_keys=True, separators=(",", ":")).encode()


def canonical(event) -> bytes:
    values = {name: getattr(event, name) for name in HASHED_FIELDS}
    values["practice_id"] = event.practice_id
    return canonical_values(values)


def event_hash(event) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def values_hash(values: dict) -> str:
    return hashlib.sha256(canonical_values(values)).hexdigest()
