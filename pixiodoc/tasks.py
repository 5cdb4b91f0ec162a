"""Project-wide jobs: sending again every app's waiting jobs (pixiodoc.jobs)."""

from celery import shared_task
from celery.signals import worker_ready


@shared_task(name="pixiodoc.resend_waiting_jobs", acks_late=True)
def resend_waiting_jobs(include_leased: bool = False) -> dict:
    from pixiodoc import jobs

    return jobs.resend_waiting(include_leased=include_leased)


@worker_ready.connect
def _resend_at_worker_start(**kwargs) -> None:
    """At every worker start, send again what waits (a broker outage loses nothing)."""
    from pixiodoc import jobs

    jobs.resend_waiting(include_leased=True)
