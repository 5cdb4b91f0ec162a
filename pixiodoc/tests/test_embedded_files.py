"""The embedded mode's files that hold secrets or PHI are the owner's alone."""

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from pixiodoc.config import private_file
from pixiodoc.tests.test_settings_production import OURS

ROOT = Path(settings.BASE_DIR)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_embedded_database_and_key_file_are_created_0600(tmp_path):
    # The real settings, as `make run` loads them: no variable set, umask 022.
    env = {k: v for k, v in os.environ.items() if k not in OURS}
    env["VAR_DIR"] = str(tmp_path / "var")
    script = (
        "import django, os; os.umask(0o022); "
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'pixiodoc.settings'; django.setup(); "
        "from django.db import connection; "
        "connection.cursor().execute('CREATE TABLE t (x int)'); connection.close()"
    )
    subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    database = tmp_path / "var" / "db.sqlite3"
    assert mode(database) == 0o600
    assert mode(tmp_path / "var" / "local-keys.json") == 0o600
    # SQLite took the empty file as a new database.
    tables = sqlite3.connect(database).execute("SELECT name FROM sqlite_master")
    assert tables.fetchall() == [("t",)]


def test_an_existing_file_is_left_as_it_is(tmp_path):
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"kept")
    path.chmod(0o640)
    private_file(path)
    assert path.read_bytes() == b"kept" and mode(path) == 0o640
