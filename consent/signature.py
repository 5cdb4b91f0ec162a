"""Checking a drawn signature: a PNG from the signature pad, not empty, not huge."""

import base64
import binascii
import io

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from consent.exceptions import ConsentError

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000
DATA_URL_PREFIX = "data:image/png;base64,"
EMPTY = _("Sign in the box with a finger or the mouse, then press Sign.")
UNREADABLE = _("The signature could not be read. Clear it and sign again.")
TOO_LARGE = _("The signature is too large. Clear it and sign again.")


def decode_data_url(value: str) -> bytes:
    """The PNG bytes of the pad's `data:image/png;base64,…` value."""
    value = (value or "").strip()
    if not value:
        raise ConsentError(str(EMPTY))
    if not value.startswith(DATA_URL_PREFIX):
        raise ConsentError(str(UNREADABLE))
    if len(value) > MAX_BYTES * 4 // 3 + len(DATA_URL_PREFIX) + 4:
        raise ConsentError(str(TOO_LARGE))
    try:
        return base64.b64decode(value[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ConsentError(str(UNREADABLE)) from None


def check_signature(png: bytes) -> None:
    """Refuse anything but a PNG with some ink on it (an empty pad is not a signature)."""
    if not png:
        raise ConsentError(str(EMPTY))
    if len(png) > MAX_BYTES:
        raise ConsentError(str(TOO_LARGE))
    try:
        image = Image.open(io.BytesIO(png), formats=["PNG"])
        if image.width > MAX_SIDE or image.height > MAX_SIDE:
            raise ConsentError(str(TOO_LARGE))
        image.load()
    except ConsentError:
        raise
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ConsentError(str(UNREADABLE)) from None
    # Ink on a transparent or white background: flatten on white, look for dark pixels.
    flat = Image.new("RGBA", image.size, (255, 255, 255, 255))
    flat.alpha_composite(image.convert("RGBA"))
    ink = ImageOps.invert(flat.convert("L")).point(lambda v: 255 if v > 60 else 0)
    if ink.getbbox() is None:
        raise ConsentError(str(EMPTY))
