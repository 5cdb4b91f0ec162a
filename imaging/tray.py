"""The "From the patient" tray: photos a patient sends from home (issue 15).

A photo received through a patient link goes through the same pipeline as a
staff upload (validation, metadata stripping, re-encoding) and is encrypted,
but under a key of its own sealed by the patient's data key, and on no visit.
A member accepts it onto a visit (it becomes a Photo, re-encrypted under the
patient's key) or rejects it (its key is destroyed and its blobs deleted: a
crypto-erasure of that one photo). Imaging does not know sharing: the caller
names the link by uuid, gives the audit actor and a guard run inside the
saving transaction (the link's own limits).
"""

import logging
import uuid as uuid_module
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import Action, Outcome
from audit.services import record_event
from imaging import pipeline, regions
from imaging.exceptions import ImagingError, PhotoRefused
from imaging.models import RENDITIONS, Photo, TrayPhoto
from imaging.services import (
    PhotoUnreadable,
    _aware,
    require_treatment_consent,
)
from patients.services import create_visit
from pixiodoc import blobs, crypto
from pixiodoc.accounts.models import Member

logger = logging.getLogger(__name__)

# A visit made for accepted photos says so (data, like the camera's own reason).
TRAY_VISIT_REASON = "Photos from the patient"
SOURCE = "patient"


def _key_aad(tray: TrayPhoto) -> bytes:
    return f"pixiodoc-tray-key|{tray.patient.uuid}|{tray.uuid}".encode()


def _photo_key(tray: TrayPhoto) -> bytes:
    """The photo's own key, unsealed with the patient's; gone once rejected."""
    if tray.sealed_key is None:
        raise crypto.KeyDestroyed("the tray photo's key was destroyed")
    return crypto.decrypt(
        blobs.data_key(tray.patient), bytes(tray.sealed_key), _key_aad(tray)
    )


def waiting(patient):
    return TrayPhoto.objects.filter(patient=patient, state=TrayPhoto.State.WAITING)


def sent_through(link_uuid) -> int:
    """How many photos a link has delivered, whatever became of them since."""
    return TrayPhoto.objects.filter(link_uuid=link_uuid).count()


def receive(
    *,
    patient,
    link_uuid,
    data: bytes,
    body_region: str,
    laterality: str = "",
    upload_key: str = "",
    oversize: bool = False,
    audit_as: dict,
    guard: Callable[[], None] = lambda: None,
    request=None,
) -> TrayPhoto:
    """Validate, clean, encrypt and put one patient photo in the tray.

    `audit_as` names the actor (the patient link) for record_event; `guard()`
    runs inside the saving transaction and raises to refuse (a full link). An
    `upload_key` already received through this link answers that photo again.
    Raises PhotoRefused (a message for the patient, audited with a PHI-free
    reason) for a file that cannot be stored.
    """
    if body_region not in regions.BY_KEY:
        raise ImagingError(_("Choose a body region from the list."))
    if laterality not in dict(regions.SIDE_CHOICES):
        raise ImagingError(_("Choose left, right, both or not applicable."))
    if upload_key and (earlier := received_under(link_uuid, upload_key)):
        return earlier
    require_treatment_consent(patient=patient)
    try:
        processed = pipeline.process(data, oversize=oversize)
    except PhotoRefused as refused:
        with transaction.atomic():
            record_event(
                action=Action.PHOTO_REFUSED,
                **audit_as,
                request=request,
                target=patient,
                patient=patient,
                outcome=Outcome.DENIED,
                reason=refused.reason,
                details={"source": SOURCE},
            )
        raise
    tray = TrayPhoto(
        uuid=uuid_module.uuid4(),
        patient=patient,
        link_uuid=link_uuid,
        body_region=body_region,
        laterality=laterality,
        sha256=processed.sha256,
        byte_size=processed.byte_size,
        width=processed.width,
        height=processed.height,
        captured_at=_aware(processed.captured_at),
        upload_key=upload_key,
    )
    key = crypto.new_data_key()
    tray.sealed_key = crypto.encrypt(blobs.data_key(patient), key, _key_aad(tray))
    stored: list[str] = []
    try:
        for rendition in RENDITIONS:
            name = blobs.save_blob(
                patient,
                obj=tray.uuid,
                label=rendition,
                plaintext=processed.renditions[rendition],
                key=key,
            )
            stored.append(name)
            setattr(tray, f"{rendition}_blob", name)
        _save_received(tray=tray, audit_as=audit_as, guard=guard, request=request)
    except IntegrityError:
        blobs.discard(stored)
        # A concurrent retry with the same key stored it first: answer that one.
        if upload_key and (earlier := received_under(link_uuid, upload_key)):
            return earlier
        raise
    except BaseException:
        blobs.discard(stored)  # the row never committed: no orphans
        raise
    tray.processing_notes = tuple(processed.notes)
    return tray


@transaction.atomic
def _save_received(*, tray: TrayPhoto, audit_as: dict, guard, request) -> None:
    guard()
    tray.full_clean(exclude=["patient", "decided_by", "photo"])
    tray.save()
    record_event(
        action=Action.PATIENT_PHOTO_RECEIVED,
        **audit_as,
        request=request,
        target=tray,
        patient=tray.patient,
        details={"region": tray.body_region, "sha256": tray.sha256},
    )


def received_under(link_uuid, upload_key: str) -> TrayPhoto | None:
    return TrayPhoto.objects.filter(link_uuid=link_uuid, upload_key=upload_key).first()


def _check(actor: Member, tray: TrayPhoto, action: str, refusal: str) -> None:
    if tray.patient.practice_id != actor.practice_id or tray.patient.is_blocked:
        raise ImagingError(_("This photo belongs to another practice."))
    if not actor.may(action):
        raise ImagingError(refusal)


def _still_waiting(tray: TrayPhoto) -> TrayPhoto:
    """The row as it is now: another member may have decided it meanwhile."""
    fresh = TrayPhoto.objects.select_related("patient").filter(pk=tray.pk).first()
    if fresh is None or not fresh.is_waiting:
        raise ImagingError(_("This photo was already accepted or rejected."))
    return fresh


def _locked_waiting(tray: TrayPhoto) -> TrayPhoto:
    locked = (
        TrayPhoto.objects.select_for_update().select_related("patient").get(pk=tray.pk)
    )
    if not locked.is_waiting:
        raise ImagingError(_("This photo was already accepted or rejected."))
    return locked


def decrypt_rendition(tray: TrayPhoto, rendition: str) -> bytes:
    """The plaintext of one rendition, unaudited: the caller records the read."""
    return blobs.read_blob(
        tray.patient,
        obj=tray.uuid,
        label=rendition,
        name=tray.blob_name(rendition),
        key=_photo_key(tray),
    )


def read_tray_rendition(
    *, actor: Member, tray: TrayPhoto, rendition: str, request=None, audit=True
) -> bytes:
    """Decrypt one rendition of a waiting photo for a member; audited (S26)."""
    _check(actor, tray, "view_patients", _("Your role may not see photos."))
    try:
        plaintext = decrypt_rendition(tray, rendition)
    except (crypto.IntegrityError, FileNotFoundError, OSError) as exc:
        logger.error(
            "tray photo %s %s unreadable: %s", tray.uuid, rendition, type(exc).__name__
        )
        with transaction.atomic():
            record_event(
                action=Action.PHOTO_INTEGRITY_FAILED,
                actor=actor,
                request=request,
                target=tray,
                patient=tray.patient,
                outcome=Outcome.FAILED,
                details={"rendition": rendition, "error": type(exc).__name__},
            )
        raise PhotoUnreadable(
            _("This photo failed its integrity check and cannot be shown.")
        ) from None
    if audit:
        with transaction.atomic():
            record_event(
                action=Action.PHOTO_VIEWED,
                actor=actor,
                request=request,
                target=tray,
                patient=tray.patient,
                details={"rendition": rendition},
            )
    return plaintext


def accept(
    *, actor: Member, tray: TrayPhoto, visit=None, visit_on=None, request=None
) -> Photo:
    """Put a waiting photo on a visit: the chosen one, or a new visit on `visit_on`.

    The renditions are re-encrypted under the patient's data key for the new
    Photo (the same uuid); the tray's key and blobs are destroyed after commit.
    """
    _check(actor, tray, "edit_patients", _("Your role may not add photos."))
    if visit is not None and visit.patient_id != tray.patient_id:
        raise ImagingError(_("Choose one of this patient's visits."))
    if visit is None and visit_on is None:
        raise ImagingError(_("Choose a visit, or make a new one."))
    tray = _still_waiting(tray)
    patient = tray.patient
    copied: list[str] = []
    try:
        try:
            for rendition in RENDITIONS:
                plaintext = decrypt_rendition(tray, rendition)
                copied.append(
                    blobs.save_blob(
                        patient, obj=tray.uuid, label=rendition, plaintext=plaintext
                    )
                )
        except (crypto.IntegrityError, OSError):
            # Rejected by someone else meanwhile, or damaged: say which.
            _still_waiting(tray)
            raise PhotoUnreadable(
                _("This photo failed its integrity check and cannot be shown.")
            ) from None
        photo, left = _file_on_visit(
            actor=actor,
            tray=tray,
            visit=visit,
            visit_on=visit_on,
            names=copied,
            request=request,
        )
    except BaseException:
        blobs.discard(copied)
        raise
    blobs.discard(left)
    return photo


@transaction.atomic
def _file_on_visit(*, actor, tray, visit, visit_on, names, request):
    locked = _locked_waiting(tray)
    if visit is None:
        visit = create_visit(
            actor=actor,
            patient=locked.patient,
            visit_on=visit_on,
            request=request,
            reason=TRAY_VISIT_REASON,
        )
    photo = Photo(
        uuid=locked.uuid,
        patient=locked.patient,
        visit=visit,
        body_region=locked.body_region,
        laterality=locked.laterality,
        source=Photo.Source.PATIENT,
        sha256=locked.sha256,
        byte_size=locked.byte_size,
        width=locked.width,
        height=locked.height,
        captured_at=locked.captured_at,
        **{f"{r}_blob": name for r, name in zip(RENDITIONS, names, strict=True)},
    )
    photo.full_clean(exclude=["patient", "visit", "uploaded_by", "deleted_by"])
    photo.save()
    left = locked.blob_names()
    _leave_tray(locked, actor=actor, state=TrayPhoto.State.ACCEPTED, photo=photo)
    record_event(
        action=Action.PATIENT_PHOTO_ACCEPTED,
        actor=actor,
        request=request,
        target=photo,
        patient=locked.patient,
        details={"visit": str(visit.uuid), "region": photo.body_region},
    )
    return photo, left


def _leave_tray(locked: TrayPhoto, *, actor, state, photo=None) -> None:
    """The photo's own key and blob names go: nothing here can be read any more."""
    locked.state = state
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.photo = photo
    locked.sealed_key = None
    locked.thumb_blob = locked.display_blob = locked.original_blob = ""
    locked.save()


def reject(*, actor: Member, tray: TrayPhoto, request=None) -> TrayPhoto:
    """Crypto-erase a waiting photo: its key destroyed, then its blobs deleted.

    Needs the right to delete photos (DESIGN §6). A blob the storage refuses to
    delete now is unreadable already and left to the orphan sweep.
    """
    _check(
        actor,
        tray,
        "delete_photo",
        _("Only owners and clinicians may reject a patient's photo."),
    )
    with transaction.atomic():
        locked = _locked_waiting(tray)
        names = locked.blob_names()
        _leave_tray(locked, actor=actor, state=TrayPhoto.State.REJECTED)
        record_event(
            action=Action.PATIENT_PHOTO_REJECTED,
            actor=actor,
            request=request,
            target=locked,
            patient=locked.patient,
            details={"key_destroyed": True, "blobs": len(names)},
        )
    blobs.discard(names)
    return locked
