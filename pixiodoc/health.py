"""GET /healthz: database, broker and storage, 200 when all answer, 503 naming what does not.

It answers within HEALTHZ_SECONDS whatever hangs (issue 20): the broker and storage
checks run beside the database check and count as down when they have not answered
by then. HealthzMiddleware answers the probe before the session and authentication
middleware, which would touch the database (a staff cookie must not turn a
database outage into a 500).
"""

import logging
import os
import shutil
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from pixiodoc.celery import app as celery_app

logger = logging.getLogger(__name__)
HEALTHZ_SECONDS = 1.5
PATH = "/healthz"


class StorageFull(Exception):
    """Less free space than STORAGE_MIN_FREE_MB: uploads would fail."""


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    # The socket timeouts in CELERY_BROKER_TRANSPORT_OPTIONS bound the handshake.
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=HEALTHZ_SECONDS)


def _storage() -> None:
    if isinstance(default_storage, FileSystemStorage):
        # exists() is False, not an error, when the folder is gone: ask for it.
        location = Path(default_storage.location)
        location.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not os.access(location, os.W_OK | os.X_OK):
            raise PermissionError("blob folder is not writable")
        free = shutil.disk_usage(location).free
        if free < settings.STORAGE_MIN_FREE_MB * 1024 * 1024:
            raise StorageFull
    else:
        default_storage.exists("healthz-probe")


CHECKS = {"database": _database, "broker": _broker, "storage": _storage}


def _verdict(name: str, check) -> str:
    try:
        check()
    except StorageFull:
        logger.warning("healthz: storage is full")
        return "full"
    except Exception as exc:  # any failure of a dependency is reported, not raised
        logger.warning("healthz: %s is down: %s", name, type(exc).__name__)
        return "down"
    return "ok"


def check_all() -> dict[str, str]:
    """Each dependency's verdict: ok, down or (storage) full, within HEALTHZ_SECONDS.

    The database is checked on this thread (its connection is this thread's);
    the others on threads of their own, left to end by their socket timeouts.
    """
    status: dict[str, str] = {}
    threads = []
    for name in ("broker", "storage"):
        thread = threading.Thread(
            target=lambda n=name: status.__setitem__(n, _verdict(n, CHECKS[n])),
            name=f"healthz-{name}",
            daemon=True,
        )
        thread.start()
        threads.append(thread)
    deadline = time.monotonic() + HEALTHZ_SECONDS
    database = _verdict("database", CHECKS["database"])
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    result = {"database": database}
    for name in ("broker", "storage"):
        verdict = status.get(name)
        if verdict is None:
            logger.warning("healthz: %s did not answer in time", name)
        result[name] = verdict or "down"
    return result


@require_GET
def healthz(request):
    status = check_all()
    healthy = all(value == "ok" for value in status.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "down", **status},
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    return response


class HealthzMiddleware:
    """Answer /healthz before any middleware that reads the session or the user."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Load the broker's transport now (gunicorn preloads the app), not inside
        # the first probe's deadline; this connects to nothing.
        celery_app.connection_for_write().transport  # noqa: B018

    def __call__(self, request):
        # Only the probe's GET: anything else takes the usual way (CSRF, 405).
        if request.path == PATH and request.method == "GET":
            return healthz(request)
        return self.get_response(request)
