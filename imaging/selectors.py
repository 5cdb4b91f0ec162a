"""Reads of photos, always scoped to the member's practice (DESIGN.md §6)."""

import uuid as uuid_module
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Count, QuerySet
from django.utils import timezone

from imaging.models import Photo
from patients.models import Patient
from pixiodoc.accounts.models import Member, User
from pixiodoc.accounts.permissions import MATRIX, narrowed
from pixiodoc.prepared import read_one_row


def photos_for(*, member: Member) -> QuerySet[Photo]:
    """The one scoping helper: live photos of the member's practice.

    Another practice's photo, a deleted photo and a photo of a patient blocked
    for erasure are never in it (404, S8).
    """
    photos = _live_photos().filter(patient__practice_id=member.practice_id)
    return narrowed(photos, member, patient_field="patient__uuid")


def _live_photos() -> QuerySet[Photo]:
    return Photo.objects.filter(
        patient__blocked_at__isnull=True, deleted_at__isnull=True
    )


@dataclass(frozen=True)
class CoveredThumbnail:
    """What serving a covered thumbnail needs; `patient` is a key holder (pixiodoc.blobs)."""

    uuid: uuid_module.UUID
    thumb_blob: str
    patient: SimpleNamespace
    viewer_user_id: int
    viewer_epoch: int
    session_data: str


def covered_thumbnail(
    *, member_pk: int, photo_uuid, session_key: str
) -> CoveredThumbnail | None:
    """The photo a cover token names, if that member may still see it, in one query.

    The same scope as `photos_for` (a live photo of the member's practice, the
    patient not blocked) for a member known only by id, who must still be active,
    with an active user and a role that may see patients. The same statement
    reads the viewer's unexpired session row (the database session engine's
    table), still encoded: the caller decodes and checks it. Written as one
    statement because it is imaging's hottest read: building it through the ORM
    cost several times the query itself, a second round trip for the session as
    much again, and planning it anew each time more than running it (hence
    pixiodoc.prepared, which also leaves out the connection health check's own
    round trip and retries on a fresh connection instead). Only the blob name and the patient's wrapped key are read:
    nothing encrypted is decrypted.
    """
    roles = sorted(MATRIX["view_patients"])
    sql = f"""
        SELECT photo.uuid, photo.thumb_blob, patient.uuid, patient.wrapped_data_key,
               patient.kek_version, member.user_id, account.session_epoch,
               session.session_data
        FROM {Photo._meta.db_table} photo
        JOIN {Patient._meta.db_table} patient ON patient.id = photo.patient_id
        JOIN {Member._meta.db_table} member ON member.practice_id = patient.practice_id
        JOIN {User._meta.db_table} account ON account.id = member.user_id
        JOIN {Session._meta.db_table} session
          ON session.session_key = %s AND session.expire_date > %s
        WHERE photo.uuid = %s AND photo.deleted_at IS NULL
          AND patient.blocked_at IS NULL
          AND member.id = %s AND member.is_active AND account.is_active
          AND member.role IN ({", ".join(["%s"] * len(roles))})
    """  # noqa: S608 - table names from the models; every value is a parameter
    now = Session._meta.get_field("expire_date").get_db_prep_value(
        timezone.now(), connection
    )
    photo_id = Photo._meta.get_field("uuid").get_db_prep_value(photo_uuid, connection)
    row = read_one_row(sql, [session_key, now, photo_id, member_pk, *roles])
    if row is None:
        return None
    photo, blob, patient, key, version, user_id, epoch, session_data = row
    return CoveredThumbnail(
        uuid=_as_uuid(photo),
        thumb_blob=blob,
        patient=SimpleNamespace(
            uuid=_as_uuid(patient), wrapped_data_key=key, kek_version=version
        ),
        viewer_user_id=user_id,
        viewer_epoch=epoch,
        session_data=session_data,
    )


def _as_uuid(value) -> uuid_module.UUID:
    # PostgreSQL returns a UUID, SQLite its 32 hex digits.
    return value if isinstance(value, uuid_module.UUID) else uuid_module.UUID(value)


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


def photos_by_region(*, practice) -> list[dict]:
    """[{"body_region", "n"}] of the practice's live photos, most first: counts only,
    for the Art. 30 record, whatever the reading member's role may open."""
    return list(
        _live_photos()
        .filter(patient__practice=practice)
        .values("body_region")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
