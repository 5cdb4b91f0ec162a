"""Changes to the teaching library and audited reads of its pixels (issue 17).

Every service takes the acting Member by keyword, checks practice and role,
asks the patient's consent at the moment of use and records its audit event
inside its transaction. Pixel work runs before the transaction opens.
"""

import hashlib
import logging
import uuid as uuid_module

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.actions import Action
from audit.services import record_event
from consent.checks import has_consent
from imaging import regions
from imaging.models import Photo
from imaging.services import normalise_tags, read_rendition
from pixiodoc import blobs, crypto
from pixiodoc.accounts.models import Member
from teaching import deidentify
from teaching.exceptions import TeachingConsentMissing, TeachingError
from teaching.models import RENDITIONS, TeachingCase, TeachingImage, TeachingSettings
from teaching.selectors import PUBLICATION, TEACHING, is_visible

logger = logging.getLogger(__name__)

FIX = {
    TEACHING: _(
        "This patient has not given consent to teaching use, so none of their "
        "photos can go into the teaching library. Record a consent that grants "
        "teaching from the patient's page (Record consent) first."
    ),
    PUBLICATION: _(
        "This patient has not given consent to publication, so the image cannot "
        "be cleared for publication. Leave “for publication” unticked, or record "
        "a consent that grants publication from the patient's page first."
    ),
}


class TeachingImageUnreadable(TeachingError):
    """A stored teaching image failed its integrity check (S18); never shown."""


def require_consent(*, patient, purpose: str) -> None:
    if not has_consent(patient, purpose):
        raise TeachingConsentMissing(str(FIX[purpose]))


def _require(actor: Member, action: str, message: str) -> None:
    if not actor.may(action):
        raise TeachingError(message)


def deidentify_photo(
    *,
    actor: Member,
    photo: Photo,
    edits: dict,
    title: str,
    body_region: str,
    diagnosis: str = "",
    tags="",
    case: TeachingCase | None = None,
    new_case_title: str = "",
    for_publication: bool = False,
    request=None,
) -> TeachingImage:
    """Make a de-identified copy of a photo and add it to the practice's library.

    The photo is untouched. The copy is re-encoded from its (covered, cropped)
    pixels with no metadata and stored under the patient's prefix with a random
    name, so erasure takes it and nothing in it names the patient.
    """
    patient = photo.patient
    if patient.practice_id != actor.practice_id or patient.is_blocked:
        raise TeachingError(gettext("This photo belongs to another practice."))
    _require(
        actor, "edit_teaching", gettext("Only owners and clinicians may add images.")
    )
    require_consent(patient=patient, purpose=TEACHING)
    if for_publication:
        require_consent(patient=patient, purpose=PUBLICATION)
    title = " ".join(title.split())[:200]
    if not title:
        raise TeachingError(
            gettext("Give the image a title (what it shows, no names).")
        )
    if body_region not in regions.BY_KEY:
        raise TeachingError(gettext("Choose a body region from the list."))
    if case is not None and case.practice_id != actor.practice_id:
        raise TeachingError(gettext("This case belongs to another practice."))
    tags = normalise_tags(tags)
    crop, covers = deidentify.clean_edits(edits)
    original = read_rendition(
        actor=actor, photo=photo, rendition="original", request=request, audit=False
    )
    made = deidentify.derive(original, crop=crop, covers=covers)
    image = TeachingImage(
        uuid=uuid_module.uuid4(),
        practice=actor.practice,
        patient=patient,
        source_photo=photo,
        title=title,
        body_region=body_region,
        diagnosis=diagnosis.strip(),
        tags=tags,
        for_publication=for_publication,
        sha256=hashlib.sha256(made["display"]).hexdigest(),
        width=made["width"],
        height=made["height"],
        created_by=actor,
    )
    stored = []
    try:
        for rendition in RENDITIONS:
            name = blobs.save_blob(
                patient, obj=image.uuid, label=rendition, plaintext=made[rendition]
            )
            stored.append(name)
            setattr(image, f"{rendition}_blob", name)
        _save_new_image(
            image=image,
            actor=actor,
            case=case,
            new_case_title=new_case_title,
            edits={"covers": len(covers), "cropped": crop is not None},
            request=request,
        )
    except BaseException:
        # The row never committed: its blobs would be orphans.
        for name in stored:
            blobs.delete_blob(name)
        raise
    return image


@transaction.atomic
def _save_new_image(
    *, image, actor, case, new_case_title: str, edits: dict, request
) -> None:
    new_case_title = " ".join(new_case_title.split())[:200]
    if case is None and new_case_title:
        case = TeachingCase.objects.create(
            practice=actor.practice, title=new_case_title, created_by=actor
        )
    image.case = case
    image.full_clean(exclude=["practice", "patient", "source_photo", "case"])
    image.save()
    record_event(
        action=Action.TEACHING_IMAGE_ADDED,
        actor=actor,
        request=request,
        target=image,
        patient=image.patient,
        details={
            "photo": str(image.source_photo.uuid),
            "case": str(case.uuid) if case else "",
            "publication": image.for_publication,
            **edits,
        },
    )


@transaction.atomic
def set_publication(
    *, actor: Member, image: TeachingImage, cleared: bool, request=None
) -> TeachingImage:
    """Clear an image for publication (needs publication consent now) or withdraw it."""
    if image.practice_id != actor.practice_id:
        raise TeachingError(gettext("This image belongs to another practice."))
    _require(
        actor, "edit_teaching", gettext("Only owners and clinicians clear images.")
    )
    if cleared:
        require_consent(patient=image.patient, purpose=PUBLICATION)
    locked = TeachingImage.objects.select_for_update().get(pk=image.pk)
    locked.for_publication = cleared
    locked.save(update_fields=["for_publication"])
    record_event(
        action=Action.TEACHING_IMAGE_CLEARED,
        actor=actor,
        request=request,
        target=locked,
        patient=locked.patient,
        details={"for_publication": cleared},
    )
    return locked


def read_image(
    *,
    actor: Member,
    image: TeachingImage,
    rendition: str,
    request=None,
    use: str = "view",
    audit: bool = True,
) -> bytes:
    """Decrypt one rendition for a member, consent asked now; audited (S26).

    `audit=False` only when the page that listed this image already recorded
    the view (imaging.covering: one event for a library page of thumbnails).
    """
    if image.practice_id != actor.practice_id:
        raise TeachingError(gettext("This image belongs to another practice."))
    _require(
        actor, "view_teaching", gettext("Your role may not see the teaching library.")
    )
    if not is_visible(image):
        raise TeachingConsentMissing(FIX[TEACHING])
    data = decrypt_image(image=image, rendition=rendition)
    if not audit:
        return data
    record_event(
        action=Action.TEACHING_IMAGE_VIEWED,
        actor=actor,
        request=request,
        target=image,
        patient=image.patient,
        details={"rendition": rendition, "use": use},
    )
    return data


def decrypt_image(*, image: TeachingImage, rendition: str) -> bytes:
    """The plaintext of a rendition; callers have checked access and audit the use."""
    try:
        return blobs.read_blob(
            image.patient,
            obj=image.uuid,
            label=rendition,
            name=image.blob_name(rendition),
        )
    except (crypto.IntegrityError, FileNotFoundError, OSError) as exc:
        logger.error(
            "teaching image %s %s unreadable: %s",
            image.uuid,
            rendition,
            type(exc).__name__,
        )
        raise TeachingImageUnreadable(
            "This image failed its integrity check and cannot be shown."
        ) from None


def record_library_viewed(*, actor: Member, images, page: str, request=None) -> None:
    """One event for a page listing many images, naming each by uuid (S40)."""
    record_event(
        action=Action.TEACHING_LIBRARY_VIEWED,
        actor=actor,
        request=request,
        details={"page": page, "images": [str(i.uuid) for i in images]},
    )


@transaction.atomic
def delete_image(*, actor: Member, image: TeachingImage, request=None) -> None:
    """Delete a teaching image and its blobs at once (hidden ones included)."""
    if image.practice_id != actor.practice_id:
        raise TeachingError(gettext("This image belongs to another practice."))
    _require(
        actor, "edit_teaching", gettext("Only owners and clinicians may delete images.")
    )
    names = [image.blob_name(r) for r in RENDITIONS]
    record_event(
        action=Action.TEACHING_IMAGE_DELETED,
        actor=actor,
        request=request,
        target=image,
        patient=image.patient,
    )
    image.delete()
    # Blobs go once the row is gone for good: a rollback must not leave a row
    # naming deleted blobs.
    transaction.on_commit(lambda: [blobs.delete_blob(n) for n in names])


def hide_after_withdrawal(*, patient, purpose, actor, withdrawal) -> list[str]:
    """consent withdrawal hook (teaching): hide the patient's images at once.

    They stay hidden, whatever a later consent says, until a clinician deletes
    them or the patient is erased; share links of their cases close because
    each open asks `is_visible` of every image.
    """
    from consent.hooks import withdrawal_actor

    images = list(
        TeachingImage.objects.select_for_update()
        .filter(patient=patient, withdrawn_at__isnull=True)
        .order_by("pk")
    )
    now = timezone.now()
    for image in images:
        image.withdrawn_at = now
        image.save(update_fields=["withdrawn_at"])
        record_event(
            # The member, or the patient's link when they withdrew themselves.
            **withdrawal_actor(withdrawal=withdrawal, actor=actor),
            action=Action.TEACHING_IMAGE_HIDDEN,
            target=image,
            patient=patient,
            details={"withdrawal": str(withdrawal.uuid)},
        )
    return [
        gettext("Hid teaching image %(uuid)s from the library") % {"uuid": i.uuid}
        for i in images
    ]


def unclear_after_withdrawal(*, patient, purpose, actor, withdrawal) -> list[str]:
    """consent withdrawal hook (publication): no image stays cleared for publication."""
    images = list(
        TeachingImage.objects.select_for_update()
        .filter(patient=patient, for_publication=True)
        .order_by("pk")
    )
    for image in images:
        image.for_publication = False
        image.save(update_fields=["for_publication"])
    return [
        gettext("Teaching image %(uuid)s no longer cleared for publication")
        % {"uuid": i.uuid}
        for i in images
    ]


def settings_for(*, practice) -> TeachingSettings:
    """The practice's teaching settings; defaults (watermarked) until an owner changes them."""
    found = TeachingSettings.objects.filter(practice=practice).first()
    return found or TeachingSettings(practice=practice)


@transaction.atomic
def set_watermark(*, actor: Member, watermark: str, request=None) -> TeachingSettings:
    _require(actor, "manage_practice", gettext("Only owners change practice settings."))
    if watermark not in TeachingSettings.Watermark.values:
        raise TeachingError(gettext("Choose no watermark or “Teaching use only”."))
    chosen, _created = TeachingSettings.objects.update_or_create(
        practice=actor.practice, defaults={"watermark": watermark}
    )
    record_event(
        action=Action.TEACHING_SETTINGS_CHANGED,
        actor=actor,
        request=request,
        details={"watermark": watermark},
    )
    return chosen
