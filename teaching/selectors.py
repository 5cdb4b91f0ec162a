"""Reads of the teaching library, scoped to the member's practice (DESIGN.md §6).

Visibility is asked at point of use (DESIGN.md §1): an image shows only while
it was never hidden by a withdrawal, its patient is not blocked for erasure and
the patient's teaching consent holds now. Nothing is cached.
"""

from django.db.models import QuerySet

from consent.checks import has_consent
from pixiodoc.accounts.models import Member
from teaching.models import TeachingCase, TeachingImage, TeachingShareLink

TEACHING, PUBLICATION = "teaching", "publication"


def images_for(*, member: Member) -> QuerySet[TeachingImage]:
    """The one scoping helper: another practice's image, a hidden one and one of a
    patient blocked for erasure are never in it (404)."""
    return TeachingImage.objects.filter(
        practice_id=member.practice_id,
        withdrawn_at__isnull=True,
        patient__blocked_at__isnull=True,
    ).select_related("patient", "case")


def hidden_images_for(*, member: Member) -> QuerySet[TeachingImage]:
    """Images a withdrawal hid: kept, shown to clinicians only so they can delete them."""
    return TeachingImage.objects.filter(
        practice_id=member.practice_id, withdrawn_at__isnull=False
    )


def cases_for(*, member: Member) -> QuerySet[TeachingCase]:
    return TeachingCase.objects.filter(practice_id=member.practice_id)


def links_for(*, member: Member) -> QuerySet[TeachingShareLink]:
    return TeachingShareLink.objects.filter(practice_id=member.practice_id)


def consented(images, *, purpose: str = TEACHING) -> list[TeachingImage]:
    """The images whose patient consents to `purpose` now (one check per patient)."""
    answers: dict[int, bool] = {}
    kept = []
    for image in images:
        if image.patient_id not in answers:
            answers[image.patient_id] = has_consent(image.patient, purpose)
        if answers[image.patient_id]:
            kept.append(image)
    return kept


def library(*, member: Member) -> list[TeachingImage]:
    """Every image the library may show this member now."""
    return consented(images_for(member=member))


def case_images(*, case: TeachingCase) -> list[TeachingImage]:
    """A case's images in order, hidden or not: callers decide what a gap means."""
    return list(
        TeachingImage.objects.filter(case=case)
        .select_related("patient")
        .order_by("created_at", "id")
    )


def is_visible(image: TeachingImage) -> bool:
    return (
        image.withdrawn_at is None
        and image.patient.blocked_at is None
        and has_consent(image.patient, TEACHING)
    )


def filter_images(
    images, *, text: str = "", region: str = "", tag: str = ""
) -> list[TeachingImage]:
    """Search and filters; titles, diagnoses and tags are encrypted, so in memory."""
    words = text.lower().split()
    tag = tag.strip().lower()

    def matches(image: TeachingImage) -> bool:
        haystack = " ".join(
            [image.title, image.diagnosis, image.tags, image.region_label]
        ).lower()
        return (
            all(word in haystack for word in words)
            and (not region or image.body_region == region)
            and (not tag or tag in image.tag_list)
        )

    return [image for image in images if matches(image)]


def all_tags(images) -> list[str]:
    return sorted({tag for image in images for tag in image.tag_list})
