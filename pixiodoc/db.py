"""Database helpers shared by jobs: which errors are worth another try, and the retry."""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError

logger = logging.getLogger(__name__)
T = TypeVar("T")

# PostgreSQL SQLSTATEs that a later attempt of the same transaction can pass:
# deadlock_detected, serialization_failure, lock_not_available (lock_timeout).
TRANSIENT_SQLSTATES = {"40P01", "40001", "55P03"}


def is_transient(exc: BaseException) -> bool:
    """True for a deadlock, serialization failure or lock timeout (never a lost server)."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in TRANSIENT_SQLSTATES:
        return True
    # SQLite: "database is locked" once its busy timeout has run out.
    return "database is locked" in str(exc)


def retry_transient(
    work: Callable[[], T], *, attempts: int = 5, first_delay: float = 0.05
) -> T:
    """Run `work` (one whole transaction) again after a transient error, backing off.

    The transaction must be opened inside `work`: a deadlock victim's transaction
    is rolled back whole, so only a fresh one can be retried.
    """
    for attempt in range(1, attempts):
        try:
            return work()
        except OperationalError as exc:
            if not is_transient(exc):
                raise
            logger.info("transient database error, try %s of %s", attempt + 1, attempts)
            time.sleep(first_delay * 2 ** (attempt - 1))
    return work()
