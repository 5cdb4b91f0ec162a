"""GET /healthz: database, broker and storage, 200 when all answer, 503 when one does not."""

import logging
import os
from pathlib import Path

from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from pixiodoc.celery import app as celery_app

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _storage() -> None:
    if isinstance(default_storage, FileSystemStorage):
        # exists() is False, not an error, when the folder is gone: ask for it.
        location = Path(default_storage.location)
        location.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not os.access(location, os.W_OK | os.X_OK):
            raise PermissionError("blob folder is not writable")
    else:
        default_storage.exists("healthz-probe")


CHECKS = {"database": _database, "broker": _broker, "storage": _storage}


@require_GET
def healthz(request):
    status = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure of a dependency is reported, not raised
            logger.warning("healthz: %s is down: %s", name, type(exc).__name__)
            status[name] = "down"
        else:
            status[name] = "ok"
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **status},
        status=200 if healthy else 503,
    )
