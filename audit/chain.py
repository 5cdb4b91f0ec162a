"""The hash chain: a canonical serialisation of an event and the hash that links it."""

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


def canonical(event) -> bytes:
    values = {}
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        if name == "created_at":
            value = value.isoformat(timespec="microseconds")
        elif name not in ("details", "seq", "member_id") and value is not None:
            value = str(value)
        values[name] = value
    values["practice_id"] = event.practice_id
    return json.dumps(values, sort_keys=True, separators=(",", ":")).encode()


def event_hash(event) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()
