"""Helpers for the lifecycle fault tests, which start, kill and restart real workers.

Workers come from pixiodoc/testing.py (`start_worker`, `stop_worker`), re-exported here.
"""

import time

from pixiodoc.testing import start_worker, stop_worker

__all__ = ["start_worker", "stop_worker", "wait_for"]


def wait_for(condition, *, timeout=180, what="the condition"):
    """Poll until `condition()` is true: a deadline for a loaded CI machine, not a timing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
