"""Start, kill and restart real Celery workers for the lifecycle fault tests.

Like `celery_worker_process` in pixiodoc/testing.py, but a test may start
several in turn, with extra environment (fault points, short leases).
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection


def start_worker(extra_env: dict | None = None) -> subprocess.Popen:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "pixiodoc.settings"
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
            f"{db['PORT']}/{db['NAME']}"
        )
    env.update(extra_env or {})
    ready = Path(settings.VAR_DIR) / f"worker-ready-{uuid.uuid4().hex}"
    env["PIXIODOC_WORKER_READY_FILE"] = str(ready)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pixiodoc",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
            f"--hostname=jobs-{uuid.uuid4().hex[:8]}@%h",
        ],
        env=env,
        cwd=Path(settings.BASE_DIR),
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        if process.poll() is not None:
            raise RuntimeError("the Celery worker exited while starting")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the Celery worker did not start within 60 s")
        time.sleep(0.1)
    ready.unlink(missing_ok=True)
    return process


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition, *, timeout=60, what="the condition"):
    """Poll until `condition()` is true (a deadline, not a sleep for timing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
