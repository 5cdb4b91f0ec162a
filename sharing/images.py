"""Serving shared photos: the display rendition, decrypted in memory and watermarked.

Originals are never served through a link; the stored pixels are never sent
(issue 6). A blob that fails to decrypt is recorded as an integrity failure and
the recipient gets the neutral refusal (S18, S23).
"""

import logging

from django.utils import timezone

from audit.actions import Action, Outcome
from pixiodoc import blobs, crypto
from sharing import access, watermark
from sharing.exceptions import LinkUnavailable
from sharing.models import ShareLink
from sharing.selectors import link_photos

logger = logging.getLogger(__name__)
RENDITION = "display"


def shared_photo(*, grant: access.Grant, photo_uuid, request):
    """The photo if this link shares it; otherwise a refusal with the reason audited."""
    for photo in link_photos(link=grant.link):
        if str(photo.uuid) == str(photo_uuid):
            return photo
    access.refuse(reason=ShareLink.Reason.NOT_SHARED, link=grant.link, request=request)


def watermarked_copy(
    *, grant: access.Grant, photo_uuid, request, download=False
) -> bytes:
    """JPEG bytes for the recipient: audited as a view or a download."""
    link = grant.link
    if download and not link.allow_download:
        access.refuse(reason="download_not_allowed", link=link, request=request)
    photo = shared_photo(grant=grant, photo_uuid=photo_uuid, request=request)
    try:
        plaintext = blobs.read_blob(
            link.patient,  # link_photos keeps only this patient's photos
            obj=photo.uuid,
            label=RENDITION,
            name=photo.blob_name(RENDITION),
        )
    except (crypto.IntegrityError, FileNotFoundError, OSError) as exc:
        logger.error("shared photo %s unreadable: %s", photo.uuid, type(exc).__name__)
        access.record_link_event(
            action=Action.PHOTO_INTEGRITY_FAILED,
            grant=grant,
            request=request,
            target=photo,
            outcome=Outcome.FAILED,
            details={"rendition": RENDITION, "error": type(exc).__name__},
        )
        raise LinkUnavailable("integrity", link) from None
    text = watermark.watermark_text(
        recipient=link.recipient_name, link_uuid=link.uuid, at=timezone.now()
    )
    marked = watermark.burn(plaintext, text=text)
    access.record_link_event(
        action=Action.SHARE_DOWNLOADED if download else Action.SHARE_PHOTO_VIEWED,
        grant=grant,
        request=request,
        target=photo,
        details={"rendition": RENDITION},
    )
    return marked
