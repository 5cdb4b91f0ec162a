"""The Celery app. Beat's schedule lists one commented entry per job (DESIGN.md §8)."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pixiodoc.settings")

app = Celery("pixiodoc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Share links closed over 30 days ago lose their data (recipient, message).
    "sharing-delete-closed-links": {
        "task": "sharing.delete_closed_links",
        "schedule": crontab(hour=3, minute=20),
    },
    # Consent PDFs not made yet (a broker outage, retries used up): queue them again.
    "consent-requeue-pdfs": {
        "task": "consent.tasks.requeue_consent_pdfs",
        "schedule": 60.0,
    },
    # Nightly retention purge: queues erasures due under each practice's policy.
    "retention-purge": {
        "task": "patients.retention_purge",
        "schedule": crontab(hour=2, minute=30),
    },
    # Nightly: expire patient exports, app purges.
    "lifecycle-housekeeping": {
        "task": "patients.housekeeping",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every 15 minutes: blobs no row names, older than ORPHAN_BLOB_GRACE_MINUTES.
    "sweep-orphan-blobs": {
        "task": "patients.sweep_orphan_blobs",
        "schedule": 15 * 60,
    },
    # Every 30 s: send again jobs a broker outage left waiting or whose runner died
    # (its lease, renewed while it works, ran out): they resume within a minute.
    "resend-waiting-jobs": {
        "task": "pixiodoc.resend_waiting_jobs",
        "schedule": 30.0,
    },
    # Patients' GDPR requests past their deadline alert compliance officers (#16).
    "patients-alert-overdue-requests": {
        "task": "patients.alert_overdue_requests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Audit: check every hash chain nightly; a break alerts compliance officers (S28, S38).
    "audit-verify-chains": {
        "task": "audit.tasks.verify_audit_chains",
        "schedule": crontab(hour=2, minute=15),
    },
    # Audit: unusual volumes (patients opened, share-link misses) every 10 minutes (S38).
    "audit-scan-alerts": {
        "task": "audit.tasks.scan_audit_alerts",
        "schedule": crontab(minute="*/10"),
    },
    # Audit retention: events past AUDIT_RETENTION_DAYS go, leaving a signed checkpoint.
    "audit-retention": {
        "task": "audit.tasks.purge_audit_retention",
        "schedule": crontab(hour=3, minute=5),
    },
}


@app.task(name="pixiodoc.ping")
def ping() -> str:
    """Round trip used by /healthz and the worker test."""
    return "pong"


@worker_init.connect
def _check_keys(**kwargs) -> None:
    """A worker with the wrong keys would write unreadable data: it stops (#20)."""
    from pixiodoc.keycheck import refuse_to_start_on_wrong_keys

    refuse_to_start_on_wrong_keys()


@worker_ready.connect
def _announce_ready(**kwargs) -> None:
    """Tests start a real worker and wait for this file before sending it work."""
    ready_file = os.environ.get("PIXIODOC_WORKER_READY_FILE")
    if ready_file:
        with open(ready_file, "w") as handle:
            handle.write("ready")
