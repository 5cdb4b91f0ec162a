"""Patient export (GDPR Art. 15/20, S31): a ZIP of everything held on one patient.

Each app contributes a section through `patients.exports`; this module names
none of them. The ZIP is built in memory, stored encrypted under the patient's
prefix, offered once to the member who asked for it within EXPORT_TTL_HOURS,
and deleted after the download or at expiry. Plaintext never touches disk.
"""

import io
import json
import logging
import zipfile
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.actions import Action, ActorType, Outcome
from audit.services import record_event
from patients import exports
from patients.exceptions import LifecycleError
from patients.lifecycle import jobs
from patients.lifecycle.models import ErasureRequest, PatientExport
from patients.models import Patient
from pixiodoc import blobs, crypto
from pixiodoc.accounts.models import Member
from pixiodoc.accounts.permissions import role_may

logger = logging.getLogger(__name__)
Status = PatientExport.Status
LABEL = "export"


def _refuse_if_erasing(patient: Patient) -> None:
    erasing = ErasureRequest.objects.filter(
        patient_uuid=patient.uuid,
        status__in=[
            ErasureRequest.Status.APPROVED,
            ErasureRequest.Status.RUNNING,
            ErasureRequest.Status.FAILED,
        ],
    ).exists()
    if patient.blocked_at is not None or erasing:
        raise LifecycleError(
            _("This patient's record is being erased: it can no longer be exported.")
        )


def _may_export(actor: Member, patient: Patient, subject_request) -> bool:
    """Staff export any patient; whoever handles requests (the compliance officer,
    who sees no patient pages) exports the patient of an open access or
    portability request (#16). A break-glass grant opens a record to read, not
    to take a copy of it: the role decides."""
    if actor.is_active and role_may(actor.role, "view_patients"):
        return True
    return (
        subject_request is not None
        and actor.may("handle_requests")
        and subject_request.is_open
        and subject_request.kind in subject_request.EXPORT_KINDS
        and subject_request.patient_id == patient.pk
    )


@transaction.atomic
def start_export(
    *, actor: Member, patient: Patient, request=None, subject_request=None
) -> PatientExport:
    """Queue a patient export; `subject_request` is the request it answers, if any."""
    if not _may_export(actor, patient, subject_request):
        raise LifecycleError(_("Only practice staff may export a patient's record."))
    if patient.practice_id != actor.practice_id:
        raise LifecycleError(_("This patient belongs to another practice."))
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    _refuse_if_erasing(patient)
    export = PatientExport.objects.create(
        practice_id=actor.practice_id, patient=patient, requested_by=actor
    )
    record_event(
        action=Action.EXPORT_STARTED,
        actor=actor,
        request=request,
        target=export,
        patient=patient,
        details={"request": str(subject_request.uuid)} if subject_request else None,
    )
    from patients.tasks import build_patient_export

    jobs.send_on_commit(build_patient_export, str(export.uuid))
    return export


def build_export(*, export_uuid: str, runner: str | None = None) -> str:
    """Build the ZIP of one export. Safe to run twice: a finished export is left alone."""
    runner = runner or jobs.runner_id()
    now = timezone.now()
    claimed = (
        PatientExport.objects.filter(
            uuid=export_uuid, status__in=[Status.PENDING, Status.RUNNING]
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            status=Status.RUNNING,
            lease_until=jobs.lease_until(),
            attempts=F("attempts") + 1,
        )
    )
    export = PatientExport.objects.select_related(
        "patient", "requested_by__practice"
    ).filter(uuid=export_uuid)
    export = export.first()
    if export is None:
        return "missing"
    if not claimed:
        return export.status
    patient = export.patient
    if export.blob_name:
        # A runner that died while writing left this blob, perhaps partial.
        blobs.discard([export.blob_name])
    # The name is on the row before the write, so a crash leaves nothing unnamed.
    name = blobs.new_blob_name(patient)
    PatientExport.objects.filter(pk=export.pk).update(blob_name=name)
    try:
        # The README and any refusal in the language of the member who asked.
        language = export.requested_by.effective_language
        with (
            jobs.keep_lease(lambda: _renew_lease(export)),
            translation.override(language),
        ):
            _refuse_if_erasing(patient)
            archive, files, unreadable = build_archive(patient=patient, export=export)
            jobs.checkpoint("export.write")
            name = blobs.save_blob(
                patient, obj=export.uuid, label=LABEL, plaintext=archive, name=name
            )
    except Exception as exc:  # noqa: BLE001 - any failure must end visible (issue 7)
        error = str(exc) if isinstance(exc, LifecycleError) else type(exc).__name__
        logger.error("export %s failed: %s", export.uuid, error)
        with transaction.atomic():
            PatientExport.objects.filter(pk=export.pk).update(
                status=Status.FAILED, error=error[:200], lease_until=None, blob_name=""
            )
            record_event(
                action=Action.EXPORT_FAILED,
                practice=export.practice,
                actor_type=ActorType.SYSTEM,
                actor_uuid=export.uuid,
                target=export,
                patient=patient,
                outcome=Outcome.FAILED,
            )
        return Status.FAILED
    ready = timezone.now()
    with transaction.atomic():
        PatientExport.objects.filter(pk=export.pk).update(
            status=Status.READY,
            blob_name=name,
            size=len(archive),
            files=files,
            unreadable=unreadable,
            ready_at=ready,
            expires_at=ready + timedelta(hours=settings.EXPORT_TTL_HOURS),
            lease_until=None,
        )
        record_event(
            action=Action.EXPORT_READY,
            practice=export.practice,
            actor_type=ActorType.SYSTEM,
            actor_uuid=export.uuid,
            target=export,
            patient=patient,
            details={"files": files, "unreadable": unreadable, "bytes": len(archive)},
        )
    return Status.READY


def busy_for(*, export_uuid: str) -> float:
    """Seconds until the lease of a build another runner holds ends, else 0."""
    export = PatientExport.objects.filter(
        uuid=export_uuid, status=Status.RUNNING, lease_until__isnull=False
    ).first()
    if export is None:
        return 0
    return max((export.lease_until - timezone.now()).total_seconds(), 1)


def _renew_lease(export: PatientExport) -> None:
    PatientExport.objects.filter(pk=export.pk, status=Status.RUNNING).update(
        lease_until=jobs.lease_until()
    )


def build_archive(*, patient: Patient, export: PatientExport) -> tuple[bytes, int, int]:
    """The ZIP bytes, the number of files in it and of blobs that could not be read."""
    buffer = io.BytesIO()
    data = {
        "export": {
            "uuid": str(export.uuid),
            "patient_uuid": str(patient.uuid),
            "created_at": export.created_at.isoformat(),
            "sections": [s.name for s in exports.sections()],
        }
    }
    files = unreadable = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for section in exports.sections():
            part = section.build(patient)
            data[section.name] = part.data
            for path, content in part.files:
                archive.writestr(f"{section.name}/{path}", content)
                files += 1
            # Read after the files: a generator may count what it could not read.
            unreadable += part.unreadable
        data["export"]["unreadable_blobs"] = unreadable
        archive.writestr(
            "data.json", json.dumps(data, indent=2, default=str, ensure_ascii=False)
        )
        archive.writestr("README.txt", str(README))
    return buffer.getvalue(), files + 2, unreadable


# For the person who opens the archive, in the language active when it is built.
README = gettext_lazy(
    "This archive holds everything the practice keeps on one patient.\n"
    "\n"
    "data.json   demographics, visits, photo metadata, consents and the access "
    "history\n"
    "<section>/  files of each part of the record (photos in original resolution,\n"
    "            signed consent forms), named in data.json\n"
)


@transaction.atomic
def download_export(
    *, actor: Member, export: PatientExport, request=None
) -> tuple[str, bytes]:
    """The decrypted ZIP, once. Its blob is deleted when the download commits."""
    export = PatientExport.objects.select_for_update().get(pk=export.pk)
    if export.practice_id != actor.practice_id:
        raise LifecycleError(_("This export belongs to another practice."))
    if export.requested_by_id != actor.pk:
        raise LifecycleError(
            _("Only the member who started an export may download it.")
        )
    if export.status != Status.READY or export.expires_at <= timezone.now():
        raise LifecycleError(
            ngettext(
                "This export is no longer available (it can be downloaded once, "
                "within %(hours)s hour). Start a new export.",
                "This export is no longer available (it can be downloaded once, "
                "within %(hours)s hours). Start a new export.",
                settings.EXPORT_TTL_HOURS,
            )
            % {"hours": settings.EXPORT_TTL_HOURS}
        )
    patient = export.patient
    _refuse_if_erasing(patient)
    try:
        archive = blobs.read_blob(
            patient, obj=export.uuid, label=LABEL, name=export.blob_name
        )
    except (crypto.IntegrityError, FileNotFoundError):
        raise LifecycleError(
            _("This export could not be read back; start a new export.")
        ) from None
    name = export.blob_name
    export.status = Status.DOWNLOADED
    export.downloaded_at = timezone.now()
    export.downloaded_by = actor
    export.blob_name = ""
    export.save(update_fields=["status", "downloaded_at", "downloaded_by", "blob_name"])
    record_event(
        action=Action.EXPORT_DOWNLOADED,
        actor=actor,
        request=request,
        target=export,
        patient=patient,
        details={"bytes": len(archive)},
    )
    transaction.on_commit(lambda: blobs.delete_blob(name))
    return f"patient-export-{export.uuid}.zip", archive


def expire_exports(*, now=None) -> int:
    """Delete the blobs of exports past their window; returns how many expired."""
    now = now or timezone.now()
    expired = 0
    for export in PatientExport.objects.filter(
        status=Status.READY, expires_at__lte=now
    ).select_related("practice"):
        with transaction.atomic():
            PatientExport.objects.filter(pk=export.pk).update(
                status=Status.EXPIRED, blob_name=""
            )
            record_event(
                action=Action.EXPORT_EXPIRED,
                practice=export.practice,
                actor_type=ActorType.SYSTEM,
                actor_uuid=export.uuid,
                target=export,
                patient=export.patient.uuid,
            )
        blobs.delete_blob(export.blob_name)
        expired += 1
    return expired
