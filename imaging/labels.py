"""How the audit pages name photos (audit.lookups.register_labels)."""

from django.utils import formats

from imaging.models import Photo


def photo_labels(practice, uuids) -> dict:
    rows = Photo.objects.filter(patient__practice=practice, uuid__in=uuids).only(
        "uuid", "body_region", "laterality", "created_at"
    )
    return {photo.uuid: _label(photo) for photo in rows}


def _label(photo: Photo) -> str:
    # Region and side as every caption names them, then the day it was added.
    return f"{photo.site_label}, {formats.date_format(photo.created_at)}"


def register() -> None:
    from audit.lookups import register_labels

    register_labels("imaging.photo", photo_labels)
