"""pixiodoc.prepared: hot statements planned once per connection on PostgreSQL."""

import pytest
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.test.utils import CaptureQueriesContext

from pixiodoc.prepared import prepared_cursor, read_one_row
from pixiodoc.testing import make_practice

SQL = "SELECT slug FROM accounts_practice WHERE uuid = %s"


def _read(practice) -> str:
    uuid = practice._meta.get_field("uuid").get_db_prep_value(practice.uuid, connection)
    with prepared_cursor() as cursor:
        cursor.execute(SQL, [uuid])
        return cursor.fetchone()[0]


def _times_prepared() -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%FROM accounts_practice WHERE uuid = $1%"],
        )
        return cursor.fetchone()[0]


def test_reads_are_logged_and_prepared_on_postgresql_only(db):
    practice = make_practice(slug="prepared")
    with CaptureQueriesContext(connection) as queries:
        answers = {_read(practice) for _ in range(8)}
    assert answers == {"prepared"}
    assert len(queries) == 8
    assert all("FROM accounts_practice WHERE uuid =" in q["sql"] for q in queries)
    assert _times_prepared() == (1 if connection.vendor == "postgresql" else 0)


def _slug_row(practice):
    uuid = practice._meta.get_field("uuid").get_db_prep_value(practice.uuid, connection)
    return read_one_row(SQL, [uuid])


@pytest.fixture
def health_checks_on(monkeypatch):
    """Connections health-checked as in production; returns the checks made."""
    checks = []
    wrapper = connections[DEFAULT_DB_ALIAS]
    wrapper.ensure_connection()
    real = wrapper.is_usable
    monkeypatch.setitem(wrapper.settings_dict, "CONN_HEALTH_CHECKS", True)
    monkeypatch.setattr(wrapper, "health_check_enabled", True)
    monkeypatch.setattr(wrapper, "is_usable", lambda: checks.append(1) or real())
    return checks


# Issue 19: a covered thumbnail pays one round trip, not a `SELECT 1` before it.
def test_a_hot_read_sends_no_health_check_first(db, health_checks_on):
    practice = make_practice(slug="unchecked")
    connection.health_check_done = False  # as at the start of a request
    with CaptureQueriesContext(connection) as queries:
        assert _slug_row(practice) == ("unchecked",)
    assert len(queries) == 1 and health_checks_on == []
    connection.health_check_done = False
    _read(practice)
    assert health_checks_on == [1]  # the ordinary prepared cursor still checks


def test_a_kept_connection_that_died_is_replaced_by_the_read(
    transactional_db, health_checks_on
):
    practice = make_practice(slug="revived")
    _slug_row(practice)
    connection.connection.close()  # dropped under Django's feet, as by a restart
    assert _slug_row(practice) == ("revived",)
    assert _slug_row(practice) == ("revived",)


def test_a_faulty_read_still_raises(transactional_db):
    with pytest.raises(DatabaseError):
        read_one_row("SELECT no_such_column FROM accounts_practice", [])
