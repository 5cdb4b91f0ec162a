"""Sending lifecycle jobs to the queue, and the leases that keep one runner per job.

A request is a row first; the message is only a wake-up call. Sending happens
after commit and never raises: with the broker down the row waits, and the
periodic sweep or the next worker start sends it again (DESIGN.md §8).
"""

import logging
import os
import socket
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)


def send(task, *args: str) -> bool:
    """Publish one message; False (logged, no PHI) when the broker is unreachable.

    One quick connection attempt: with the broker down the web request must not
    hang in kombu's retries; the row waits for the sweep instead.
    """
    try:
        with task.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            task.apply_async(args=args, connection=connection, retry=False)
    except (KombuError, OSError) as exc:
        logger.warning(
            "job queue unreachable, %s %s waits for the sweep: %s",
            task.name,
            " ".join(args),
            type(exc).__name__,
        )
        return False
    return True


def send_on_commit(task, *args: str) -> None:
    transaction.on_commit(lambda: send(task, *args))


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def lease_until():
    return timezone.now() + timedelta(seconds=settings.JOBS_LEASE_SECONDS)


def checkpoint(name: str) -> None:
    """A named point where fault tests can stop a job (PIXIODOC_FAULT_DIR unset: no-op).

    The test creates `<dir>/<name>.hold`; the job writes `<name>.reached` and waits
    while the hold file exists, so the test can kill the worker at that point.
    """
    folder = os.environ.get("PIXIODOC_FAULT_DIR")
    if not folder:
        return
    Path(folder, f"{name}.reached").touch()
    while Path(folder, f"{name}.hold").exists():
        time.sleep(0.05)
