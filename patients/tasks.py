"""Lifecycle jobs (DESIGN.md §8): entry points only; the work is in patients.lifecycle.

Every task takes uuids (never PHI), is acknowledged late and idempotent: it
resumes from the progress saved on its row.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError

logger = logging.getLogger(__name__)
RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 10,
}


@shared_task(bind=True, name="patients.carry_out_erasure", **RETRY)
def carry_out_erasure(self, request_uuid: str) -> str:
    from patients.lifecycle.erasure import run_erasure

    result = run_erasure(request_uuid=request_uuid)
    if result.busy_for:
        # Another runner holds the lease (or held it and died): look again later.
        raise self.retry(countdown=result.busy_for, max_retries=None)
    return result.status


@shared_task(name="patients.build_patient_export", **RETRY)
def build_patient_export(export_uuid: str) -> str:
    from patients.lifecycle.export import build_export

    return build_export(export_uuid=export_uuid)


@shared_task(name="patients.retention_purge", **RETRY)
def retention_purge() -> str:
    """Nightly: queue an erasure for every record due under its practice's policy."""
    from patients.lifecycle.retention import purge

    run = purge()
    totals = {
        key: sum(entry[key] for entry in run.report.values())
        for key in ("due", "held", "queued")
    }
    # Counts only: the report is PHI-free (S27).
    logger.info("retention run %s: %s", run.uuid, totals)
    return str(run.uuid)


@shared_task(name="patients.resume_pending_jobs", **RETRY)
def resume_pending_jobs(include_leased: bool = False) -> dict:
    from patients.lifecycle.housekeeping import resume_pending

    return resume_pending(include_leased=include_leased)


@shared_task(name="patients.housekeeping", **RETRY)
def housekeeping() -> dict:
    """Nightly: expire exports, run each app's purge, sweep orphan blobs."""
    from patients.lifecycle.export import expire_exports
    from patients.lifecycle.housekeeping import run_app_purges, sweep_orphan_blobs

    result = {"exports_expired": expire_exports(), "purges": run_app_purges()}
    result["orphans"] = sweep_orphan_blobs()
    return result


@worker_ready.connect
def _pick_up_pending_work(**kwargs) -> None:
    """At every worker start, send again what waits (a broker outage loses nothing)."""
    from patients.lifecycle.housekeeping import resume_pending

    try:
        sent = resume_pending(include_leased=True)
    except OperationalError:
        logger.warning("could not look for pending lifecycle jobs at start")
        return
    logger.info("pending lifecycle jobs sent at worker start: %s", sent)


@shared_task(name="patients.alert_overdue_requests", **RETRY)
def alert_overdue_requests() -> int:
    """Daily: alert the compliance officers once about each overdue patient request."""
    from patients.lifecycle.requests import alert_overdue

    return alert_overdue()
