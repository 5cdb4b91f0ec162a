"""Background jobs that nothing can lose (DESIGN.md §8, issue 20), for every app.

A job is a row first, committed with the request that asks for it; the message
is only a wake-up call, sent after the commit by `send_on_commit`. Sending never
raises and never holds a request longer than the broker's socket timeouts (2 s):
with the broker down or frozen the row waits. Each app registers a *resender*,
which sends again the rows that still wait; beat runs them all every 30 s
(`pixiodoc.resend_waiting_jobs`), and so does every worker start. A runner keeps
a lease on its row while it works (`keep_lease`), so a job whose worker died is
sent again once the lease runs out: within about a minute.

    # interop/services.py
    push = Push.objects.create(...)             # in the request's transaction
    jobs.send_on_commit(tasks.push_to_pacs, str(push.uuid))

    # interop/apps.py, in ready()
    jobs.register_resender("interop", resend_waiting_pushes)
"""

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import connection, transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

# name -> resend(include_leased=bool) -> {what: number sent}
_RESENDERS: dict[str, Callable[..., dict[str, int]]] = {}


def send(task, *args: str) -> bool:
    """Publish one message; False (logged, no PHI) when the broker is unreachable.

    One connection attempt, no retries: with the broker down or frozen the web
    request must not wait on kombu's retries; the row waits for the resender.
    """
    try:
        with task.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
            task.apply_async(args=args, connection=conn, retry=False)
    except (KombuError, OSError) as exc:
        # redis-py's TimeoutError and ConnectionError are OSErrors too.
        logger.warning(
            "job queue unreachable, %s %s waits for the resender: %s",
            task.name,
            " ".join(args),
            type(exc).__name__,
        )
        return False
    return True


def send_on_commit(task, *args: str) -> None:
    """Send once the row that describes the job has committed (never before)."""
    transaction.on_commit(lambda: send(task, *args))


def register_resender(name: str, resend: Callable[..., dict[str, int]]) -> None:
    """`resend(include_leased=False)` sends every row of the app that still waits.

    Rows under a live lease are left alone unless `include_leased` (a worker start:
    the runners the lease protects may have died with the previous worker).
    """
    _RESENDERS[name] = resend


def resend_waiting(*, include_leased: bool = False) -> dict[str, dict[str, int]]:
    sent = {}
    for name, resend in sorted(_RESENDERS.items()):
        try:
            sent[name] = resend(include_leased=include_leased)
        except Exception:  # noqa: BLE001 - one app's failure must not stop the others
            logger.exception("resending the waiting jobs of %s failed", name)
    return sent


@contextlib.contextmanager
def keep_lease(renew: Callable[[], object]) -> Iterator[None]:
    """Call `renew()` every third of JOBS_LEASE_SECONDS while the block runs.

    For a step that cannot renew its lease as it goes (one long build): the lease
    stays short, so a runner that dies is replaced within a minute, yet a live
    one is never. `renew` runs on its own thread and database connection.
    """
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.JOBS_LEASE_SECONDS / 3):
                renew()
        except Exception:  # noqa: BLE001 - the lease then runs out: another runner
            logger.exception("could not renew a job lease")
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name="job-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
