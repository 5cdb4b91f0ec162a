"""Follow-up photos a verified patient sends through their link (issue 15 point 3).

The photos go into imaging's "From the patient" tray (imaging.tray), with the
link as the audit actor; the link's purpose, its regions and how many photos
it asks for are checked here, the count under the link's row lock so two
phones cannot send one photo too many. The ghost overlay is the practice's
newest photo of an asked region and side, and only that one, served
watermarked as a share link's photos are.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import Action
from imaging import regions as body_regions
from imaging import tray
from imaging.models import Photo
from pixiodoc import blobs, crypto
from sharing import notifications, watermark
from sharing.exceptions import LinkUnavailable, ShareLinkError
from sharing.models import PatientLink
from sharing.patient_access import (
    Grant,
    Reason,
    audit_as_link,
    record_link_event,
    refuse,
)

logger = logging.getLogger(__name__)
GHOST_RENDITION = "display"


class PhotosComplete(ShareLinkError):
    """The link has had every photo it asked for."""


def _needs_photos(grant: Grant, request) -> None:
    if not grant.link.for_photos:
        refuse(reason=Reason.NOT_ASKED, link=grant.link, request=request)


def photos_left(link: PatientLink) -> int:
    return max(0, (link.photos_asked or 0) - tray.sent_through(link.uuid))


def _complete_message() -> str:
    return _(
        "The practice has every photo it asked for. Thank you: there is "
        "nothing more to send."
    )


def send_photo(
    *,
    grant: Grant,
    data: bytes,
    body_region: str,
    laterality: str = "",
    upload_key: str = "",
    oversize: bool = False,
    app_url: str = "",
    request=None,
):
    """One photo into the tray -> TrayPhoto; refusals raise ShareLinkError or
    imaging's PhotoRefused (a message for the patient)."""
    link = grant.link
    _needs_photos(grant, request)
    if body_region not in link.regions:
        raise ShareLinkError(
            _("Choose one of the body regions the practice asked for.")
        )
    if upload_key and (earlier := tray.received_under(link.uuid, upload_key)):
        return earlier
    if not photos_left(link):
        raise PhotosComplete(_complete_message())

    def guard():
        # Counted under the link's row lock: concurrent uploads cannot overshoot.
        locked = PatientLink.objects.select_for_update().get(pk=link.pk)
        if tray.sent_through(link.uuid) >= (locked.photos_asked or 0):
            raise PhotosComplete(_complete_message())

    received = tray.receive(
        patient=link.patient,
        link_uuid=link.uuid,
        data=data,
        body_region=body_region,
        laterality=laterality,
        upload_key=upload_key,
        oversize=oversize,
        audit_as=audit_as_link(link),
        guard=guard,
        request=request,
    )
    _tell_practice_when_due(link, app_url)
    return received


def _tell_practice_when_due(link: PatientLink, app_url: str) -> None:
    """One e-mail at the first photo, one more when the last one asked arrives."""
    sent = tray.sent_through(link.uuid)
    if sent == 1 or sent == link.photos_asked:
        transaction.on_commit(
            lambda: notifications.tell_practice_about_patient_link(
                link_uuid=link.uuid, event="photos", app_url=app_url
            )
        )


def ghosts(link: PatientLink) -> dict[str, Photo]:
    """ "region:side" -> the practice's newest photo of that asked region and side."""
    latest: dict[str, Photo] = {}
    photos = (
        Photo.objects.filter(
            patient=link.patient,
            body_region__in=link.regions,
            deleted_at__isnull=True,
        )
        .select_related("visit")
        .order_by("visit__visit_on", "created_at", "id")
    )
    for photo in photos:
        latest[f"{photo.body_region}:{photo.laterality}"] = photo
    return latest


def watermarked_ghost(*, grant: Grant, photo_uuid, request) -> bytes:
    """The ghost if it is one this link may show; watermarked, audited as a view."""
    _needs_photos(grant, request)
    link = grant.link
    photo = next(
        (p for p in ghosts(link).values() if str(p.uuid) == str(photo_uuid)), None
    )
    if photo is None:
        refuse(reason=Reason.NOT_ASKED, link=link, request=request)
    try:
        plaintext = blobs.read_blob(
            link.patient,
            obj=photo.uuid,
            label=GHOST_RENDITION,
            name=photo.blob_name(GHOST_RENDITION),
        )
    except (crypto.IntegrityError, OSError) as exc:
        # No overlay is better than a broken one; the integrity failure is logged.
        logger.error("ghost photo %s unreadable: %s", photo.uuid, type(exc).__name__)
        raise LinkUnavailable("integrity", link) from None
    text = watermark.watermark_text(
        recipient=_("the patient"), link_uuid=link.uuid, at=timezone.now()
    )
    marked = watermark.burn(plaintext, text=text)
    record_link_event(
        action=Action.SHARE_PHOTO_VIEWED,
        grant=grant,
        request=request,
        target=photo,
        details={"rendition": GHOST_RENDITION, "page": "home_capture_ghost"},
    )
    return marked


def asked_regions(link: PatientLink) -> list[tuple[str, str]]:
    return [(key, body_regions.label(key)) for key in link.regions]
