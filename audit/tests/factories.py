"""Builders and raw-SQL tampering helpers for the audit tests."""

from contextlib import contextmanager

from django.db import connection

from audit.actions import Action
from audit.services import record_event


def make_events(member, count: int, action=Action.PATIENT_VIEWED, **extra) -> list:
    return [record_event(action=action, actor=member, **extra) for _ in range(count)]


@contextmanager
def trigger_off():
    """Lift the append-only triggers inside the test's transaction (PostgreSQL only).

    session_replication_role=replica skips ordinary triggers for this session;
    the test's transaction is rolled back afterwards anyway.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def tamper(sql: str, params=()) -> None:
    """Run raw SQL against the audit table with its trigger lifted."""
    with trigger_off(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def change_log_text(model=None) -> str:
    """Everything the change log holds (for one model, or all) as one string to search."""
    import json

    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    entries = LogEntry.objects.all()
    if model is not None:
        entries = entries.filter(content_type=ContentType.objects.get_for_model(model))
    fields = ("object_repr", "changes", "changes_text", "serialized_data", "object_pk")
    return json.dumps(list(entries.values(*fields)), default=str)
