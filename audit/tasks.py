"""Audit jobs: nightly chain verification and retention, frequent alert scans (DESIGN.md §8)."""

from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def verify_audit_chains() -> dict:
    """verify_audit for every practice; a break alerts the compliance officers."""
    from audit.alerts import check_chains

    results = check_chains()
    return {r.label: (r.line() if r.broken else f"intact: {r.events}") for r in results}


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def scan_audit_alerts() -> int:
    from audit.alerts import scan_for_alerts

    return len(scan_for_alerts())


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def purge_audit_retention() -> dict:
    from audit.retention import purge_expired_events

    return purge_expired_events()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def verify_chain_now(run_uuid: str) -> str:
    """A "Verify chain now" run from the audit page (audit/verification.py)."""
    from audit.models import ChainVerification
    from audit.verification import carry_out

    run = ChainVerification.objects.select_related("practice").filter(uuid=run_uuid)
    found = run.first()
    return carry_out(found).state if found else "gone"
