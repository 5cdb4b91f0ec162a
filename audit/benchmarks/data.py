"""Bulk generation of valid audit chains for the benchmarks (COPY on PostgreSQL)."""

import uuid
from datetime import UTC, datetime, timedelta

from django.db import connection

from audit.chain import GENESIS, values_hash
from audit.models import AccessEvent, ChainHead

# Every stored column but the id, as the model has them.
COLUMNS = tuple(f.column for f in AccessEvent._meta.concrete_fields if f.name != "id")
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131"


def _rows(practice, member, count):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    actor = member.user.uuid
    patients = [uuid.uuid4() for _ in range(500)]
    prev = GENESIS
    for seq in range(1, count + 1):
        values = {
            "uuid": uuid.uuid4(),
            "practice_id": practice.pk,
            "seq": seq,
            "created_at": start + timedelta(milliseconds=seq),
            "actor_type": "member",
            "member_id": member.pk,
            "actor_uuid": actor,
            "action": "timeline_viewed",
            "object_type": "patients.patient",
            "object_uuid": patients[seq % 500],
            "patient_uuid": patients[seq % 500],
            "ip": "10.1.2.3",
            "user_agent": UA,
            "outcome": "ok",
            "reason": "",
            "request_id": uuid.uuid4().hex,
            "details": {"visits": seq % 7},
            "prev_hash": prev,
        }
        values["hash"] = prev = values_hash(values)
        yield values


def generate_chain(practice, member, count: int) -> None:
    """Insert `count` linked events for the practice and move its chain head."""
    import json

    last = None
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY audit_accessevent ({columns}) FROM STDIN"
            ) as copy:
                for values in _rows(practice, member, count):
                    values["details"] = json.dumps(values["details"])
                    copy.write_row([values[c] for c in COLUMNS])
                    last = values
        else:
            batch = []
            marks = ", ".join(["%s"] * len(COLUMNS))
            # Column names are the constant COLUMNS above, never input.
            sql = f"INSERT INTO audit_accessevent ({columns}) VALUES ({marks})"  # noqa: S608
            for values in _rows(practice, member, count):
                values["details"] = json.dumps(values["details"])
                values["uuid"] = values["uuid"].hex
                for key in ("actor_uuid", "object_uuid", "patient_uuid"):
                    values[key] = values[key].hex
                values["created_at"] = values["created_at"].isoformat(sep=" ")
                batch.append([values[c] for c in COLUMNS])
                if len(batch) == 10000:
                    cursor.executemany(sql, batch)
                    batch = []
                last = values
            if batch:
                cursor.executemany(sql, batch)
    ChainHead.objects.update_or_create(
        key=str(practice.uuid), defaults={"seq": count, "last_hash": last["hash"]}
    )
