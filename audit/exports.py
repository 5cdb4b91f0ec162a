"""Exports of the audit log: CSV streamed in constant memory, and a PDF report.

On PostgreSQL the server writes the CSV itself (COPY ... TO STDOUT) and it is
passed on in blocks: formatting a million rows in Python is what made the export
slow. Elsewhere Python walks the filtered events by seq in chunks (keyset
pagination). Both give the same cells and never hold more than a chunk in
memory. Cells that a spreadsheet would run as a formula are quoted with a
leading apostrophe (the User-Agent is attacker-chosen).
"""

import csv
import json
import logging

from django.db import connection
from django.db.models import Max, Min
from django.template.loader import render_to_string
from django.utils import timezone

from audit.actions import Action
from audit.chain import CREATED_AT_TEXT_SQL
from audit.readable import readable_events

CHUNK = 5000
# WeasyPrint logs every rendering step at INFO; the report's content stays out of logs.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
PDF_MAX_EVENTS = 1000
COLUMNS = (
    "event_id",
    "seq",
    "time_utc",
    "actor_type",
    "member_uuid",
    "member_email",
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
    "hash",
    "chain",
)
_FIELDS = (
    "id",
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
    "hash",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """A file-like object whose write() returns what it was given (for csv.writer)."""

    def write(self, value):
        return value


def _safe(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def members_by_id(practice) -> dict:
    from pixiodoc.accounts.models import Member

    return {
        pk: (str(uuid), email)
        for pk, uuid, email in Member.objects.filter(practice=practice).values_list(
            "pk", "uuid", "user__email"
        )
    }


def csv_lines(events, *, practice, broken_event_id=None):
    """Yield the CSV of `events` (any ordering is replaced by seq), chunk by chunk."""
    members = members_by_id(practice)
    if connection.vendor == "postgresql":
        return _copied_csv(events, members, broken_event_id)
    return _written_csv(events, members, broken_event_id)


def _formula_safe_sql(column: str) -> str:
    """SQL giving _safe(column), with an empty string as an empty cell."""
    starts = "'=', '+', '-', '@', E'\\t', E'\\r'"  # _FORMULA_START
    return (
        f"CASE WHEN left({column}, 1) IN ({starts}) "
        f"THEN '''' || {column} ELSE NULLIF({column}, '') END"
    )


# The cells of COLUMNS, in order, as PostgreSQL computes them for COPY. Members'
# uuids and e-mails come in as arrays indexed like their ids: no join, so the
# rows can come straight off the (practice, seq) index, already in order.
_COPY_CELLS = (
    "id",
    "seq",
    CREATED_AT_TEXT_SQL,
    "actor_type",
    "(%s::text[])[array_position(%s::bigint[], member_id)]",
    "(%s::text[])[array_position(%s::bigint[], member_id)]",
    "actor_uuid",
    "action",
    "NULLIF(object_type, '')",
    "object_uuid",
    "patient_uuid",
    "host(ip)",
    _formula_safe_sql("user_agent"),
    "outcome",
    _formula_safe_sql("reason"),
    "NULLIF(request_id, '')",
    "CASE WHEN details = '{}'::jsonb THEN NULL ELSE details::text END",
    "hash",
    "CASE WHEN id = %s THEN 'BROKEN' END",
)
COPY_BLOCK = 64 * 1024
COPY_CHUNK = 50_000


def _filter_sql(events) -> tuple[str, list]:
    """The queryset's WHERE clause, applied to audit_accessevent itself.

    The compliance filter only ever names the event's own columns, so the
    clause runs on the table directly and PostgreSQL walks the (practice, seq)
    index in order: no self-join, no sort of a million rows.
    """
    query = events.query
    joined = [alias for alias, uses in query.alias_refcount.items() if uses]
    if len(joined) > 1:  # a filter across a relation: keep it a subquery
        selected, params = events.order_by().values("pk").query.sql_with_params()
        return f"id IN ({selected})", list(params)
    where, params = query.get_compiler(connection=connection).compile(query.where)
    return where or "TRUE", list(params)


def _copied_csv(events, members, broken_event_id):
    where, params = _filter_sql(events)
    cells = ", ".join(_COPY_CELLS)
    # The SQL is made of this module's constants and Django's compilation of the
    # filter; every value travels as a parameter. The log goes out in ranges of
    # seq, so each COPY reads COPY_CHUNK events at most whatever plan PostgreSQL
    # picks: one ORDER BY over the whole log had it sort a million formatted
    # rows on disk first.
    statement = (
        f"COPY (SELECT {cells} FROM audit_accessevent "  # noqa: S608
        f"WHERE {where} AND seq >= %s AND seq < %s ORDER BY seq) "
        "TO STDOUT WITH (FORMAT csv)"
    )
    ids = list(members)
    arguments = [
        [members[i][0] for i in ids],
        ids,
        [_safe(members[i][1]) for i in ids],
        ids,
        broken_event_id,
        *params,
    ]
    yield (",".join(COLUMNS) + "\n").encode()
    span = events.order_by().aggregate(low=Min("seq"), high=Max("seq"))
    low, high = span["low"], span["high"]
    with connection.cursor() as cursor:
        while high is not None and low <= high:
            bounds = [low, low + COPY_CHUNK]
            with cursor.cursor.copy(statement, [*arguments, *bounds]) as copy:
                block, size = [], 0
                for data in copy:
                    block.append(bytes(data))
                    size += len(data)
                    if size >= COPY_BLOCK:
                        yield b"".join(block)
                        block, size = [], 0
                if block:
                    yield b"".join(block)
            low += COPY_CHUNK


def _written_csv(events, members, broken_event_id):
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(COLUMNS)
    events = events.order_by("seq").values_list(*_FIELDS)
    last = 0
    while True:
        chunk = list(events.filter(seq__gt=last)[:CHUNK])
        if not chunk:
            return
        lines = []
        for row in chunk:
            member_uuid, email = members.get(row[4], ("", ""))
            lines.append(
                writer.writerow(
                    (
                        row[0],
                        row[1],
                        row[2].isoformat(timespec="microseconds"),
                        row[3],
                        member_uuid,
                        _safe(email),
                        row[5] or "",
                        row[6],
                        row[7],
                        row[8] or "",
                        row[9] or "",
                        row[10] or "",
                        _safe(row[11]),
                        row[12],
                        _safe(row[13]),
                        row[14],
                        _safe(json.dumps(row[15], sort_keys=True)) if row[15] else "",
                        row[16],
                        "BROKEN" if row[0] == broken_event_id else "",
                    )
                )
            )
        last = chunk[-1][1]
        yield "".join(lines)


def pdf_report(
    *, events, practice, filters: dict, totals: dict, status, member
) -> bytes:
    """The PDF report: the filter, totals, chain status and up to PDF_MAX_EVENTS events."""
    from weasyprint import HTML

    shown = readable_events(
        events.order_by("seq").select_related("member__user")[:PDF_MAX_EVENTS],
        practice=practice,
    )
    labels = dict(Action.choices)
    html = render_to_string(
        "audit/report.html",
        {
            "practice": practice,
            "filters": filters,
            "totals": totals,
            "by_action": [
                (labels.get(row["action"], row["action"]), row["n"])
                for row in totals["by_action"]
            ],
            "status": status,
            "events": shown,
            "truncated": totals["events"] > len(shown),
            "limit": PDF_MAX_EVENTS,
            "made_by": member,
            "made_at": timezone.localtime(),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )
    return HTML(string=html).write_pdf()


def event_count(events) -> int:
    return events.order_by().count()
