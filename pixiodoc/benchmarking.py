"""What the benchmarks share: a real gunicorn serving the test's own database.

Benchmarks that measure a request as a deployment serves it start gunicorn on
loopback the way deploy/gunicorn.conf.py runs it (app preloaded) with database
connections kept between requests, as the README recommends for production: a
new PostgreSQL connection costs more than most requests.
"""

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

from pixiodoc.testing import free_port, running_server, store_blobs_in


def database_url() -> str:
    """The test database as a DATABASE_URL for another process, connections kept."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}?conn_max_age=60"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}"
        f"/{db['NAME']}?conn_max_age=60&conn_health_checks=True"
    )


@contextlib.contextmanager
def gunicorn_serving(settings, blob_root: Path, workers: int = 2) -> Iterator[str]:
    """gunicorn on a free loopback port with the test's database and blob folder.

    Yields the base URL; the server is stopped on the way out. The test must use
    a transactional database so the server sees its rows.
    """
    store_blobs_in(settings, blob_root)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pixiodoc.settings",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(blob_root),
        "DEBUG": "false",
    }
    with running_server(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "pixiodoc.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--preload",
            "--log-level=warning",
        ],
        port,
        what="gunicorn",
        timeout=90,
        env=env,
        cwd=settings.BASE_DIR,
    ) as base:
        yield base
