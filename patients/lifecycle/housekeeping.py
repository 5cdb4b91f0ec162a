"""Housekeeping: orphan blobs, app purges, and picking up work a broker outage left behind."""

import logging
from datetime import timedelta
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from audit.actions import Action, ActorType
from audit.services import record_event
from patients import blobrefs
from patients.lifecycle import jobs
from patients.lifecycle.models import ErasureRequest, PatientExport, RetentionRun
from pixiodoc import blobs

logger = logging.getLogger(__name__)
SWEEP_BATCH = 200


class SweepRefused(Exception):
    """An app keeps blob names but told the sweep nothing: sweeping would delete its data."""


def unregistered_blob_models() -> list[str]:
    """Models with a field named like a blob whose app registered no blob references."""
    registered = blobrefs.registered_apps()
    found = []
    for model in apps.get_models():
        if model._meta.app_label in registered:
            continue
        if any("blob" in f.name for f in model._meta.concrete_fields):
            found.append(model._meta.label)
    return sorted(found)


def sweep_orphan_blobs(*, now=None, grace: timedelta | None = None) -> dict:
    """Delete blobs that no committed row references and that are older than the grace.

    Blobs of patients being erased are left to the erasure job.
    """
    missing = unregistered_blob_models()
    if missing:
        raise SweepRefused(
            "the orphan sweep is refused until these models' apps register their "
            "blob references (patients.blobrefs): " + ", ".join(missing)
        )
    now = now or timezone.now()
    grace = grace or timedelta(minutes=settings.ORPHAN_BLOB_GRACE_MINUTES)
    try:
        folders, _files = default_storage.listdir("patients")
    except FileNotFoundError:
        folders = []
    uuids = []
    for folder in folders:
        try:
            uuids.append(UUID(folder.strip("/")))
        except ValueError:
            continue
    checked = deleted = 0
    for start in range(0, len(uuids), SWEEP_BATCH):
        batch = uuids[start : start + SWEEP_BATCH]
        erasing = set(
            ErasureRequest.objects.filter(
                patient_uuid__in=batch, status__in=ErasureRequest.OPEN
            ).values_list("patient_uuid", flat=True)
        )
        referenced = blobrefs.referenced_names(batch)
        for patient_uuid in batch:
            if patient_uuid in erasing:
                continue
            for name in blobs.blob_names(patient_uuid):
                checked += 1
                if name in referenced:
                    continue
                if default_storage.get_modified_time(name) > now - grace:
                    continue  # perhaps a row still being committed
                blobs.delete_blob(name)
                deleted += 1
    if deleted:
        logger.info("orphan sweep deleted %d of %d blobs", deleted, checked)
        record_event(
            action=Action.BLOBS_SWEPT,
            actor_type=ActorType.SYSTEM,
            details={"checked": checked, "deleted": deleted},
        )
    return {"checked": checked, "deleted": deleted}


def run_app_purges(*, now=None) -> dict[str, int]:
    """Each app's registered purge (deleted photos past their grace period, …)."""
    now = now or timezone.now()
    return {name: purge(now) for name, purge in blobrefs.purges().items()}


def resume_pending(*, now=None, include_leased: bool = False) -> dict[str, int]:
    """Send again every job whose row waits and whose runner (if any) is gone.

    Run by beat every few minutes and at every worker start, so a request made
    while the broker was down, or a job whose worker died, is picked up. At a
    worker start `include_leased` also sends jobs still under a lease: a job
    whose runner died retries until the lease runs out, then resumes.
    """
    from patients.tasks import build_patient_export, carry_out_erasure, retention_purge

    now = now or timezone.now()
    idle = (
        Q() if include_leased else Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    erasures = ErasureRequest.objects.filter(
        status__in=[ErasureRequest.Status.APPROVED, ErasureRequest.Status.RUNNING]
    ).filter(idle)
    exports = PatientExport.objects.filter(
        status__in=[PatientExport.Status.PENDING, PatientExport.Status.RUNNING]
    ).filter(idle)
    runs = RetentionRun.objects.filter(finished_at__isnull=True).filter(idle)
    sent = {"erasures": 0, "exports": 0, "retention_runs": 0}
    for uuid in erasures.values_list("uuid", flat=True):
        sent["erasures"] += jobs.send(carry_out_erasure, str(uuid))
    for uuid in exports.values_list("uuid", flat=True):
        sent["exports"] += jobs.send(build_patient_export, str(uuid))
    for uuid in runs.values_list("uuid", flat=True):
        sent["retention_runs"] += jobs.send(retention_purge, str(uuid))
    return sent
