"""Changes to photos and audited reads of their pixels (DESIGN.md §4-§7).

Every service takes the acting Member by keyword, checks the practice, and
records its audit event inside its transaction. Processing (decoding and
re-encoding) runs before the transaction opens: it is slow and touches no row.
"""

import json
import logging
import uuid as uuid_module

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from audit.actions import Action, Outcome
from audit.services import record_event, record_view
from consent.checks import (
    active_override,
    has_consent,
    require_capture_allowed,
)
from consent.exceptions import ConsentRequired
from imaging import pipeline, regions
from imaging.exceptions import ConsentMissing, ImagingError, PhotoRefused
from imaging.models import RENDITIONS, Annotation, Photo
from patients.services import visit_on_or_create
from pixiodoc import blobs, crypto
from pixiodoc.accounts.models import Member

logger = logging.getLogger(__name__)

MAX_TAGS = 10
MAX_TAG_LENGTH = 40


class PhotoUnreadable(ImagingError):
    """A rendition failed its integrity check (S18); it is never shown."""


def normalise_tags(tags) -> str:
    if isinstance(tags, str):
        tags = tags.split(",")
    clean: list[str] = []
    for tag in tags or []:
        tag = " ".join(str(tag).split()).lower()[:MAX_TAG_LENGTH]
        if tag and tag not in clean:
            clean.append(tag)
    if len(clean) > MAX_TAGS:
        raise ImagingError(_("Use at most %(count)s tags.") % {"count": MAX_TAGS})
    return ",".join(clean)


def add_photo(
    *,
    actor: Member,
    data: bytes,
    body_region: str,
    visit=None,
    patient=None,
    visit_on=None,
    oversize: bool = False,
    laterality: str = "",
    tags="",
    note: str = "",
    source: str = Photo.Source.UPLOAD,
    place_by_capture_date: bool = False,
    upload_key: str = "",
    request=None,
) -> Photo:
    """Validate, clean, encrypt and store one image on a visit.

    An `upload_key` the member already stored a photo under answers that photo
    again (a retry after a lost answer stores no duplicate).

    With `place_by_capture_date`, a photo whose EXIF says when it was taken goes
    on the patient's visit of that date (made when there is none) instead.
    Without a `visit`, give the `patient` and the fallback date `visit_on`: the
    visit of that date is used or made (photo import).

    Raises PhotoRefused (message for the user, audited with a PHI-free reason)
    for a file that is not stored; the caller carries on with the next file.
    """
    if visit is not None:
        patient = visit.patient
    elif patient is None or visit_on is None:
        raise ValueError("give a visit, or a patient and a visit date")
    if patient.practice_id != actor.practice_id or patient.is_blocked:
        raise ImagingError(_("This visit belongs to another practice."))
    if not actor.may("edit_patients"):
        raise ImagingError(_("Your role may not add photos."))
    if body_region not in regions.BY_KEY:
        raise ImagingError(_("Choose a body region from the list."))
    if laterality not in dict(regions.SIDE_CHOICES):
        raise ImagingError(_("Choose left, right, both or not applicable."))
    if (
        upload_key
        and (earlier := _stored_under(actor, patient, upload_key)) is not None
    ):
        return earlier
    consent_details = require_treatment_consent(patient=patient)
    tags = normalise_tags(tags)
    try:
        processed = pipeline.process(data, oversize=oversize)
    except PhotoRefused as refused:
        record_photo_refused(
            actor=actor,
            target=visit or patient,
            patient=patient,
            reason=refused.reason,
            source=source,
            request=request,
        )
        raise
    photo = Photo(
        uuid=uuid_module.uuid4(),
        patient=patient,
        visit=visit,
        body_region=body_region,
        laterality=laterality,
        tags=tags,
        note=note.strip(),
        source=source,
        sha256=processed.sha256,
        byte_size=processed.byte_size,
        width=processed.width,
        height=processed.height,
        captured_at=_aware(processed.captured_at),
        uploaded_by=actor,
        upload_key=upload_key,
    )
    photo.processing_notes = tuple(processed.notes)
    stored: list[str] = []
    try:
        for rendition in RENDITIONS:
            name = blobs.save_blob(
                patient,
                obj=photo.uuid,
                label=rendition,
                plaintext=processed.renditions[rendition],
            )
            stored.append(name)
            setattr(photo, f"{rendition}_blob", name)
        if place_by_capture_date and processed.captured_at:
            visit_on = processed.captured_at.date()
        _save_uploaded(
            photo=photo,
            actor=actor,
            visit_on=visit_on,
            request=request,
            details=consent_details,
        )
    except IntegrityError:
        blobs.discard(stored)
        # The same key stored by a concurrent retry: answer that photo.
        if (
            upload_key
            and (earlier := _stored_under(actor, patient, upload_key)) is not None
        ):
            return earlier
        raise
    except BaseException:
        # The row never committed: its blobs would be orphans.
        blobs.discard(stored)
        raise
    return photo


def _stored_under(actor: Member, patient, upload_key: str) -> Photo | None:
    return (
        Photo.objects.select_related("visit")
        .filter(
            uploaded_by=actor,
            patient=patient,
            upload_key=upload_key,
            deleted_at__isnull=True,
        )
        .first()
    )


def record_photo_refused(
    *, actor: Member, target, patient, reason: str, source: str, request=None
) -> None:
    """Audit one file that was not stored, by a PHI-free reason code."""
    record_event(
        action=Action.PHOTO_REFUSED,
        actor=actor,
        request=request,
        target=target,
        patient=patient,
        outcome=Outcome.DENIED,
        reason=reason,
        details={"source": str(source)},
    )


@transaction.atomic
def _save_uploaded(
    *, photo: Photo, actor: Member, visit_on, request, details: dict
) -> None:
    if visit_on is not None and (
        photo.visit_id is None or visit_on != photo.visit.visit_on
    ):
        photo.visit = visit_on_or_create(
            actor=actor, patient=photo.patient, visit_on=visit_on, request=request
        )
    photo.full_clean(
        exclude=["patient", "visit", "uploaded_by", "deleted_by"],
    )
    photo.save()
    record_event(
        action=Action.PHOTO_UPLOADED,
        actor=actor,
        request=request,
        target=photo,
        patient=photo.patient,
        details={
            "visit": str(photo.visit.uuid),
            "source": str(photo.source),
            "region": photo.body_region,
            "sha256": photo.sha256,
            **details,
        },
    )


def _aware(moment):
    if moment is None:
        return None
    try:
        return timezone.make_aware(moment)
    except (ValueError, OverflowError):
        return None


def require_treatment_consent(*, patient) -> dict:
    """Photos need treatment consent or an active emergency override (consent app).

    Returns audit details naming the override when one let the capture through.
    """
    try:
        require_capture_allowed(patient)
    except ConsentRequired as missing:
        raise ConsentMissing(str(missing)) from None
    override = active_override(patient)
    return {"override": str(override.uuid)} if override else {}


def read_rendition(
    *, actor: Member, photo: Photo, rendition: str, request=None, audit: bool = True
) -> bytes:
    """Decrypt one rendition for an authorised member; audited (S26).

    `audit=False` only when the page that listed this photo already recorded
    the view (a timeline records one event for all its thumbnails).
    Raises PhotoUnreadable after recording the integrity failure (S18).
    """
    if photo.patient.practice_id != actor.practice_id:
        raise ImagingError(_("This photo belongs to another practice."))
    try:
        plaintext = blobs.read_blob(
            photo.patient,
            obj=photo.uuid,
            label=rendition,
            name=photo.blob_name(rendition),
        )
    except (crypto.IntegrityError, FileNotFoundError, OSError) as exc:
        logger.error(
            "photo %s %s unreadable: %s", photo.uuid, rendition, type(exc).__name__
        )
        record_event(
            action=Action.PHOTO_INTEGRITY_FAILED,
            actor=actor,
            request=request,
            target=photo,
            patient=photo.patient,
            outcome=Outcome.FAILED,
            details={"rendition": rendition, "error": type(exc).__name__},
        )
        raise PhotoUnreadable(
            _("This photo failed its integrity check and cannot be shown.")
        ) from None
    if audit:
        record_event(
            action=Action.PHOTO_VIEWED,
            actor=actor,
            request=request,
            target=photo,
            patient=photo.patient,
            details={"rendition": rendition},
        )
    return plaintext


def record_photos_shown(
    *,
    actor: Member,
    patient,
    photos,
    page: str,
    request=None,
    rendition: str = "thumb",
) -> None:
    """One event for a page that shows many thumbnails (timeline, gallery)."""
    record_event(
        action=Action.PHOTO_VIEWED,
        actor=actor,
        request=request,
        target=patient,
        patient=patient,
        details={
            "page": page,
            "rendition": rendition,
            "photos": [str(p.uuid) for p in photos],
        },
    )


# What a page about one photo shows besides the image (S40): kinds, never values.
PHOTO_PAGE_SHOWS = ("name", "visit_date", "body_region", "tags", "note")


def record_photo_page(
    *, actor: Member, photo: Photo, page: str, request=None, also_shown=()
):
    """One event for a page about one photo (viewer, deletion): what it showed."""
    shown = [
        *PHOTO_PAGE_SHOWS,
        *also_shown,
        *(["annotation"] if _has_marks(photo) else []),
    ]
    record_view(
        action=Action.PHOTO_VIEWED,
        actor=actor,
        request=request,
        page=page,
        shown=shown,
        target=photo,
        patient=photo.patient,
    )


def _has_marks(photo: Photo) -> bool:
    return Annotation.objects.filter(photo=photo).exclude(shapes="[]").exists()


@transaction.atomic
def delete_photo(*, actor: Member, photo: Photo, reason: str, request=None) -> Photo:
    """Hide a photo at once; its blobs are purged by the jobs after the grace period."""
    if photo.patient.practice_id != actor.practice_id:
        raise ImagingError(_("This photo belongs to another practice."))
    if not actor.may("delete_photo"):
        raise ImagingError(_("Only owners and clinicians may delete photos."))
    reason = reason.strip()
    if len(reason) < 3:
        raise ImagingError(_("Say why this photo is deleted (a few words)."))
    locked = Photo.objects.select_for_update().get(pk=photo.pk)
    if locked.deleted_at is not None:
        raise ImagingError(_("This photo was already deleted."))
    locked.deleted_at = timezone.now()
    locked.deleted_by = actor
    locked.deletion_reason = reason
    locked.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
    # The reason is free text and may hold PHI: it stays encrypted on the row (S27).
    record_event(
        action=Action.PHOTO_DELETED,
        actor=actor,
        request=request,
        target=locked,
        patient=locked.patient,
        details={"visit": str(locked.visit.uuid)},
    )
    return locked


@transaction.atomic
def purge_photo_blobs(*, photo: Photo) -> None:
    """Delete the blobs of a deleted photo (the jobs call this). Idempotent."""
    locked = Photo.objects.select_for_update().get(pk=photo.pk)
    if locked.deleted_at is None:
        raise ImagingError(_("Only a deleted photo can be purged."))
    if locked.purged_at is not None:
        return
    for name in locked.blob_names():
        blobs.delete_blob(name)
    locked.purged_at = timezone.now()
    locked.save(update_fields=["purged_at"])
    record_event(
        action=Action.PHOTO_PURGED,
        practice=locked.patient.practice,
        actor_type="system",
        target=locked,
        patient=locked.patient,
    )


SHAPE_KINDS = {"arrow", "circle", "text"}
MAX_SHAPES = 200


def clean_shapes(shapes) -> list[dict]:
    """Accept only arrows, circles and text in relative coordinates (0..1)."""
    if not isinstance(shapes, list) or len(shapes) > MAX_SHAPES:
        raise ImagingError(
            _("Send a list of at most %(count)s marks.") % {"count": MAX_SHAPES}
        )
    clean = []
    for shape in shapes:
        if not isinstance(shape, dict) or shape.get("kind") not in SHAPE_KINDS:
            raise ImagingError(_("Marks are arrows, circles or text."))
        kind = shape["kind"]
        keys = {
            "arrow": ("x1", "y1", "x2", "y2"),
            "circle": ("x", "y", "r"),
            "text": ("x", "y"),
        }[kind]
        item = {"kind": kind}
        for key in keys:
            value = shape.get(key)
            if not isinstance(value, int | float) or not -0.5 <= value <= 1.5:
                raise ImagingError(_("A mark lies outside the photo."))
            item[key] = round(float(value), 5)
        if kind == "text":
            text = str(shape.get("text", "")).strip()[:200]
            if not text:
                raise ImagingError(_("A text mark needs some text."))
            item["text"] = text
        colour = str(shape.get("colour", "#ffcc00"))
        item["colour"] = colour if _is_colour(colour) else "#ffcc00"
        clean.append(item)
    return clean


def _is_colour(value: str) -> bool:
    return (
        len(value) == 7
        and value[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )


@transaction.atomic
def save_annotation(*, actor: Member, photo: Photo, shapes, request=None) -> Annotation:
    """Replace the photo's marks; the pixels are never touched."""
    if photo.patient.practice_id != actor.practice_id:
        raise ImagingError(_("This photo belongs to another practice."))
    if not actor.may("edit_patients"):
        raise ImagingError(_("Your role may not annotate photos."))
    clean = clean_shapes(shapes)
    annotation, _created = Annotation.objects.select_for_update().get_or_create(
        photo=photo
    )
    annotation.shapes = json.dumps(clean)
    annotation.updated_by = actor
    annotation.save()
    record_event(
        action=Action.ANNOTATION_SAVED,
        actor=actor,
        request=request,
        target=photo,
        patient=photo.patient,
        details={"marks": len(clean)},
    )
    return annotation


def record_comparison(
    *, actor: Member, first: Photo, second: Photo, request=None
) -> None:
    record_event(
        action=Action.PHOTOS_COMPARED,
        actor=actor,
        request=request,
        target=first.patient,
        patient=first.patient,
        details={"photos": [str(first.uuid), str(second.uuid)]},
    )


MARKABLE = {"teaching": "marked_teaching_at", "publication": "marked_publication_at"}
# The purposes as a sentence names them ("consent to teaching").
PURPOSE_IN_SENTENCE = {
    "teaching": pgettext_lazy("in a sentence", "teaching"),
    "publication": pgettext_lazy("in a sentence", "publication"),
}


@transaction.atomic
def mark_photo(
    *, actor: Member, photo: Photo, purpose: str, marked: bool, request=None
) -> Photo:
    """Mark or unmark a photo for teaching or publication (needs that consent)."""
    if purpose not in MARKABLE:
        raise ImagingError(_("Photos are marked for teaching or publication only."))
    if photo.patient.practice_id != actor.practice_id:
        raise ImagingError(_("This photo belongs to another practice."))
    if not actor.may("edit_patients"):
        raise ImagingError(_("Your role may not mark photos."))
    if marked and not has_consent(photo.patient, purpose):
        raise ConsentMissing(
            _(
                "This patient has not given consent to %(purpose)s, so the photo "
                "cannot be marked for it. Record a consent that grants %(purpose)s "
                "from the patient's page (Record consent) first."
            )
            % {"purpose": PURPOSE_IN_SENTENCE[purpose]}
        )
    locked = Photo.objects.select_for_update().get(pk=photo.pk)
    setattr(locked, MARKABLE[purpose], timezone.now() if marked else None)
    locked.save(update_fields=[MARKABLE[purpose]])
    record_event(
        action=Action.PHOTO_MARKED,
        actor=actor,
        request=request,
        target=locked,
        patient=locked.patient,
        details={"purpose": purpose, "marked": marked},
    )
    return locked


def unmark_after_withdrawal(*, patient, purpose, actor, withdrawal) -> list[str]:
    """consent withdrawal hook: a withdrawn purpose unmarks every photo at once."""
    from consent.hooks import withdrawal_actor

    field = MARKABLE[purpose]
    photos = list(
        Photo.objects.select_for_update()
        .filter(patient=patient, **{f"{field}__isnull": False})
        .order_by("pk")
    )
    for photo in photos:
        setattr(photo, field, None)
        photo.save(update_fields=[field])
        record_event(
            **withdrawal_actor(withdrawal=withdrawal, actor=actor),
            action=Action.PHOTO_MARKED,
            target=photo,
            patient=patient,
            details={"purpose": purpose, "marked": False, "withdrawal": True},
        )
    return [
        _("Unmarked photo %(photo)s for %(purpose)s")
        % {"photo": p.uuid, "purpose": PURPOSE_IN_SENTENCE[purpose]}
        for p in photos
    ]
