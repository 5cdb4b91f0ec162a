"""How the audit pages name photos (audit.lookups.register_labels)."""

from django.utils import formats

from imaging import regions
from imaging.models import Photo, TrayPhoto


def photo_labels(practice, uuids) -> dict:
    rows = Photo.objects.filter(patient__practice=practice, uuid__in=uuids).only(
        "uuid", "body_region", "laterality", "created_at"
    )
    return {photo.uuid: _label(photo) for photo in rows}


def tray_photo_labels(practice, uuids) -> dict:
    rows = TrayPhoto.objects.filter(patient__practice=practice, uuid__in=uuids).only(
        "uuid", "body_region", "laterality", "created_at"
    )
    return {photo.uuid: _label(photo) for photo in rows}


def _label(photo: Photo | TrayPhoto) -> str:
    # Region and side as every caption names them, then the day it was added.
    where = regions.site_label(photo.body_region, photo.laterality)
    return f"{where}, {formats.date_format(photo.created_at)}"


def register() -> None:
    from audit.lookups import register_labels

    register_labels("imaging.photo", photo_labels)
    register_labels("imaging.trayphoto", tray_photo_labels)
