"""The patient's teaching images in their export (S31): they are derived from
the patient's photos and held under their key, so they are the patient's data."""

import logging

from pixiodoc import crypto
from teaching.models import TeachingImage
from teaching.services import TeachingImageUnreadable, decrypt_image

logger = logging.getLogger(__name__)


def export_section(patient):
    from patients.exports import ExportPart

    images = list(
        TeachingImage.objects.filter(patient=patient)
        .select_related("case", "source_photo")
        .order_by("created_at", "id")
    )
    part = ExportPart(data=[_record(image) for image in images])

    def files():
        for image in images:
            try:
                yield (
                    f"{image.uuid}.jpg",
                    decrypt_image(image=image, rendition="display"),
                )
            except (TeachingImageUnreadable, crypto.IntegrityError):
                part.unreadable += 1

    part.files = files()
    return part


def _record(image: TeachingImage) -> dict:
    return {
        "uuid": str(image.uuid),
        "file": f"{image.uuid}.jpg",
        "source_photo": str(image.source_photo.uuid) if image.source_photo else None,
        "title": image.title,
        "body_region": image.body_region,
        "diagnosis": image.diagnosis,
        "tags": image.tag_list,
        "case": image.case.title if image.case else None,
        "for_publication": image.for_publication,
        "created_at": image.created_at.isoformat(),
        "hidden_after_withdrawal_at": (
            image.withdrawn_at.isoformat() if image.withdrawn_at else None
        ),
    }
