"""Lifecycle jobs (DESIGN.md §8): entry points only; the work is in patients.lifecycle.

Every task takes uuids (never PHI), is acknowledged late and idempotent: it
resumes from the progress saved on its row.
"""

import logging

from celery import shared_task
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


@shared_task(bind=True, name="patients.build_patient_export", **RETRY)
def build_patient_export(self, export_uuid: str) -> str:
    from patients.lifecycle.export import build_export, busy_for

    status = build_export(export_uuid=export_uuid)
    if wait := busy_for(export_uuid=export_uuid):
        # Another runner holds the lease (or held it and died): look again later.
        raise self.retry(countdown=wait, max_retries=None)
    return status


@shared_task(bind=True, name="patients.retention_purge", **RETRY)
def retention_purge(self, run_uuid: str = "") -> str:
    """Nightly: queue an erasure for every record due under its practice's policy.

    With a run's uuid (sent by the resender), carry on that unfinished run.
    """
    from patients.lifecycle.retention import (
        claim_run,
        continue_run,
        purge,
        run_busy_for,
    )

    if run_uuid:
        run = claim_run(run_uuid=run_uuid)
        if run is None:
            if wait := run_busy_for(run_uuid=run_uuid):
                # Another runner holds the lease (or held it and died).
                raise self.retry(countdown=wait, max_retries=None)
            return run_uuid  # finished
        run = continue_run(run=run)
    else:
        run = purge()
    totals = {
        key: sum(entry[key] for entry in run.report.values())
        for key in ("due", "held", "queued")
    }
    # Counts only: the report is PHI-free (S27).
    logger.info("retention run %s: %s", run.uuid, totals)
    return str(run.uuid)


@shared_task(name="patients.housekeeping", **RETRY)
def housekeeping() -> dict:
    """Nightly: expire exports, run each app's purge."""
    from patients.lifecycle.export import expire_exports
    from patients.lifecycle.housekeeping import run_app_purges

    return {"exports_expired": expire_exports(), "purges": run_app_purges()}


@shared_task(name="patients.sweep_orphan_blobs", **RETRY)
def sweep_orphan_blobs() -> dict:
    """Every 15 minutes: blobs no row names (a write that failed half-way) go."""
    from patients.lifecycle.housekeeping import sweep_orphan_blobs as sweep

    return sweep()


@shared_task(name="patients.alert_overdue_requests", **RETRY)
def alert_overdue_requests() -> int:
    """Daily: alert the compliance officers once about each overdue patient request."""
    from patients.lifecycle.requests import alert_overdue

    return alert_overdue()
