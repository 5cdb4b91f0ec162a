"""Hot statements that PostgreSQL plans once per connection, not on every request.

Django binds parameters on the client, so PostgreSQL parses and plans every
statement it receives anew. For a short statement on a hot path the planning
costs more than the work: a covered thumbnail's one query spent 0.28 ms planning
and 0.04 ms executing. Its users: that read and the audit append. `prepared_cursor()` is a Django cursor (logged, its errors
translated, the connection health-checked, like any other) over a psycopg cursor
that binds on the server, so psycopg prepares a statement once it has run
`prepare_threshold` times on a connection (settings) and reuses the plan after.

Parameters are then typed by PostgreSQL: pass what the model fields'
get_db_prep_value gives. On any other database this is the ordinary cursor.
"""

import psycopg
from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


def prepared_cursor():
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return _LoggedAsWritten(cursor, connection)
    return connection.make_cursor(cursor)


class _LoggedAsWritten(CursorDebugWrapper):
    """Logs each statement as written: a prepared run leaves psycopg no query text."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)
