"""Lifecycle jobs: the leases that keep one runner per job, and fault points.

Sending (after commit, bounded, never raising) is pixiodoc.jobs, shared by every
app; `send` and `send_on_commit` are re-exported for this package's modules.
"""

import os
import socket
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from pixiodoc.jobs import keep_lease, send, send_on_commit

__all__ = [
    "checkpoint",
    "keep_lease",
    "lease_until",
    "runner_id",
    "send",
    "send_on_commit",
]


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
