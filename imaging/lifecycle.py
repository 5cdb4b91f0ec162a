"""What imaging gives the patient lifecycle jobs (docs/jobs.md): its export section and
the nightly purge of deleted photos' blobs. Registered in apps.py."""

import json
import logging

from imaging import regions
from imaging.models import Photo
from imaging.selectors import photos_due_for_purge
from imaging.services import purge_photo_blobs
from pixiodoc import blobs, crypto

logger = logging.getLogger(__name__)
SIDE_SNOMED = {key: code for key, _label, code in regions.SIDES}


def _iso(moment):
    return moment.isoformat() if moment else None


def photo_record(photo: Photo) -> dict:
    """One photo's metadata for data.json; the file is `photos/<uuid>.jpg` unless purged."""
    region = regions.BY_KEY.get(photo.body_region)
    annotation = getattr(photo, "annotation", None)
    return {
        "uuid": str(photo.uuid),
        "file": None if photo.purged_at else f"{photo.uuid}.jpg",
        "visit": {
            "uuid": str(photo.visit.uuid),
            "visit_on": _iso(photo.visit.visit_on),
        },
        "body_region": {
            "key": photo.body_region,
            "label": photo.region_label,
            "snomed_ct": region.snomed if region else None,
        },
        "laterality": {
            "key": photo.laterality,
            "label": photo.side_label,
            "snomed_ct": SIDE_SNOMED.get(photo.laterality),
        },
        # What every caption shows: region and side together (wrong-site risk).
        "caption": photo.site_label,
        "tags": photo.tag_list,
        "note": photo.note,
        "source": photo.source,
        "width": photo.width,
        "height": photo.height,
        # The file as received; the exported JPEG is its cleaned re-encoding.
        "received_sha256": photo.sha256,
        "received_bytes": photo.byte_size,
        "captured_at": _iso(photo.captured_at),
        "uploaded_at": _iso(photo.created_at),
        "uploaded_by": photo.uploaded_by.user.display_name if photo.uploaded_by else "",
        "marked_for_teaching_at": _iso(photo.marked_teaching_at),
        "marked_for_publication_at": _iso(photo.marked_publication_at),
        "deleted_at": _iso(photo.deleted_at),
        "deletion_reason": photo.deletion_reason,
        "purged_at": _iso(photo.purged_at),
        "annotation": {
            "shapes": json.loads(annotation.shapes or "[]"),
            "updated_at": _iso(annotation.updated_at),
        }
        if annotation
        else None,
    }


def export_section(patient):
    """Every photo held on the patient: metadata, and each original decrypted.

    Deleted photos whose blobs are not yet purged are still held, so they are
    exported too. Originals are read one at a time as the ZIP is written.
    """
    from patients.exports import ExportPart

    photos = list(
        Photo.objects.filter(patient=patient)
        .select_related("visit", "uploaded_by__user", "annotation")
        .order_by("visit__visit_on", "created_at", "id")
    )
    records = [photo_record(p) for p in photos]
    part = ExportPart(data=records)

    def originals():
        for photo, record in zip(photos, records, strict=True):
            if photo.purged_at:
                continue
            try:
                content = blobs.read_blob(
                    patient,
                    obj=photo.uuid,
                    label="original",
                    name=photo.original_blob,
                )
            except (crypto.IntegrityError, OSError) as exc:
                logger.error(
                    "export: photo %s original unreadable: %s",
                    photo.uuid,
                    type(exc).__name__,
                )
                # data.json is written after the files: it can still say so.
                record["file"] = None
                record["unreadable"] = True
                part.unreadable += 1
                continue
            yield f"{photo.uuid}.jpg", content

    part.files = originals()
    return part


def tray_export_section(patient):
    """Photos the patient sent that wait in the tray (on no visit yet): theirs too.

    Rejected ones are erased and accepted ones are in "photos"; each waiting
    original is decrypted with its own key as the ZIP is written.
    """
    from imaging.models import TrayPhoto
    from imaging.tray import decrypt_rendition
    from patients.exports import ExportPart

    waiting = list(
        TrayPhoto.objects.filter(patient=patient, state=TrayPhoto.State.WAITING)
    )
    records = [
        {
            "uuid": str(p.uuid),
            "file": f"{p.uuid}.jpg",
            "body_region": p.body_region,
            "laterality": p.laterality,
            "caption": p.site_label,
            "received_at": _iso(p.created_at),
            "captured_at": _iso(p.captured_at),
            "received_sha256": p.sha256,
        }
        for p in waiting
    ]
    part = ExportPart(data=records)

    def originals():
        for photo, record in zip(waiting, records, strict=True):
            try:
                content = decrypt_rendition(photo, "original")
            except (crypto.IntegrityError, OSError) as exc:
                logger.error(
                    "export: tray photo %s unreadable: %s",
                    photo.uuid,
                    type(exc).__name__,
                )
                record["file"] = None
                record["unreadable"] = True
                part.unreadable += 1
                continue
            yield f"{photo.uuid}.jpg", content

    part.files = originals()
    return part


def purge_deleted_photos(now) -> int:
    """Housekeeping: delete the blobs of photos deleted longer ago than the grace."""
    purged = 0
    for photo in list(photos_due_for_purge(now=now).order_by("pk")):
        try:
            purge_photo_blobs(photo=photo)
        except Exception as exc:  # noqa: BLE001 - S3 errors are not OSErrors
            # The storage refused: leave the photo due, the next night retries it.
            logger.error("purge of photo %s failed: %s", photo.uuid, type(exc).__name__)
            continue
        purged += 1
    return purged
