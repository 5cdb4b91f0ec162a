"""pixiodoc.prepared: hot statements planned once per connection on PostgreSQL."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pixiodoc.prepared import prepared_cursor
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
