"""Exports of the audit log: CSV streamed in constant memory, and a PDF report.

The CSV walks the filtered events by seq in chunks (keyset pagination), so a
million rows never sit in memory at once. Cells that a spreadsheet would run as
a formula are quoted with a leading apostrophe (the User-Agent is attacker-chosen).
"""

import csv
import json
import logging

from django.template.loader import render_to_string

from audit.actions import Action

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
    """Yield the CSV text of `events` (any ordering is replaced by seq), chunk by chunk."""
    members = members_by_id(practice)
    writer = csv.writer(_Line())
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

    shown = list(events.order_by("seq").select_related("member__user")[:PDF_MAX_EVENTS])
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
        },
    )
    return HTML(string=html).write_pdf()


def event_count(events) -> int:
    return events.order_by().count()
