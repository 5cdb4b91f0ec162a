"""Reads of photos, always scoped to the member's practice (DESIGN.md §6)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from imaging.models import Photo
from pixiodoc.accounts.models import Member
from pixiodoc.accounts.permissions import MATRIX


def photos_for(*, member: Member) -> QuerySet[Photo]:
    """The one scoping helper: live photos of the member's practice.

    Another practice's photo, a deleted photo and a photo of a patient blocked
    for erasure are never in it (404, S8).
    """
    return _live_photos().filter(patient__practice_id=member.practice_id)


def _live_photos() -> QuerySet[Photo]:
    return Photo.objects.filter(
        patient__blocked_at__isnull=True, deleted_at__isnull=True
    )


def covered_thumbnail(*, member_pk: int, photo_uuid) -> Photo | None:
    """The photo a cover token names, with what serving its thumbnail needs, in one query.

    Scoped like `photos_for`, but for a member known only by id: the photo must
    belong to that member's practice, and the member (and their user) must still
    be active with a role that may see patients. `viewer_user_id` and
    `viewer_epoch` are annotated for the session check; None when the member
    lost access. Only the blob name and the patient's key are loaded: no
    encrypted field is decrypted.
    """
    viewer = Member.objects.filter(
        pk=member_pk,
        practice_id=OuterRef("patient__practice_id"),
        is_active=True,
        user__is_active=True,
        role__in=MATRIX["view_patients"],
    )
    return (
        _live_photos()
        .filter(uuid=photo_uuid)
        .annotate(
            viewer_user_id=Subquery(viewer.values("user_id")[:1]),
            viewer_epoch=Subquery(viewer.values("user__session_epoch")[:1]),
        )
        .select_related("patient")
        .only(
            "uuid",
            "thumb_blob",
            "patient__uuid",
            "patient__wrapped_data_key",
            "patient__kek_version",
        )
        .first()
    )


def patient_photos(*, member: Member, patient) -> QuerySet[Photo]:
    return photos_for(member=member).filter(patient=patient).select_related("visit")


def latest_by_region(*, member: Member, patient) -> dict[str, Photo]:
    """The newest photo of each body region (and side) of a patient: the ghost overlay."""
    latest: dict[str, Photo] = {}
    for photo in patient_photos(member=member, patient=patient).order_by(
        "visit__visit_on", "created_at"
    ):
        latest[photo.body_region] = photo
        latest[f"{photo.body_region}:{photo.laterality}"] = photo
    return latest


def filter_photos(photos, *, region: str = "", tag: str = "") -> list[Photo]:
    """Filter by body region and tag; tags are encrypted, so this runs in memory."""
    tag = tag.strip().lower()
    return [
        p
        for p in photos
        if (not region or p.body_region == region) and (not tag or tag in p.tag_list)
    ]


def photos_due_for_purge(*, now=None) -> QuerySet[Photo]:
    """Deleted photos whose grace period is over and whose blobs are still stored.

    For the jobs: purge each one's `blob_names()` with pixiodoc.blobs.delete_blob,
    then set `purged_at` (or call imaging.services.purge_photo_blobs). Grace
    period: settings.PHOTO_PURGE_GRACE_DAYS (default 30).
    """
    now = now or timezone.now()
    grace = timedelta(days=getattr(settings, "PHOTO_PURGE_GRACE_DAYS", 30))
    return Photo.objects.filter(
        deleted_at__isnull=False, deleted_at__lte=now - grace, purged_at__isnull=True
    )
