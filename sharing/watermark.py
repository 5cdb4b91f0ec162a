"""Burn a visible watermark into the copy a recipient receives (issue 6).

The stored rendition is never changed: the display rendition is decrypted in
memory, the recipient's name, the link id and the time are drawn across it,
and a fresh JPEG without metadata is encoded. A leaked copy names its source.
"""

import io
from datetime import datetime

from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont

JPEG_QUALITY = 85
# The allow-list of what the decrypted rendition may be (S11); imaging wrote it as JPEG.
FORMATS = ["JPEG", "PNG", "WEBP"]


def watermark_text(*, recipient: str, link_uuid, at: datetime) -> str:
    # The time stays ISO and UTC: the same on every copy, whatever the language.
    return gettext("For %(recipient)s · link %(link)s · %(at)s UTC") % {
        "recipient": recipient,
        "link": str(link_uuid)[:8],
        "at": f"{at:%Y-%m-%d %H:%M}",
    }


def _diagonal_mask(text: str, *, size: int, width: int, height: int) -> Image.Image:
    half_w, half_h = max(1, width // 2), max(1, height // 2)
    font = ImageFont.load_default(size=max(6, size // 2))
    diagonal = int((half_w**2 + half_h**2) ** 0.5) + 1
    # The text is rendered once and stamped: FreeType is the slow part.
    left, top, right, bottom = font.getbbox(text)
    stamp = Image.new("L", (right, bottom), 0)
    ImageDraw.Draw(stamp).text((0, 0), text, font=font, fill=255)
    tiles = Image.new("L", (diagonal, diagonal), 0)
    step_x = right + size * 3 // 2
    step_y = size * 5 // 2
    for row, y in enumerate(range(0, diagonal, step_y)):
        offset = (row % 2) * step_x // 2
        for x in range(-offset, diagonal, step_x):
            tiles.paste(stamp, (x, y))
    tiles = tiles.rotate(30, resample=Image.Resampling.NEAREST)
    left, top = (diagonal - half_w) // 2, (diagonal - half_h) // 2
    mask = tiles.crop((left, top, left + half_w, top + half_h))
    return mask.resize((width, height), Image.Resampling.BILINEAR)


def burn(image_bytes: bytes, *, text: str) -> bytes:
    """A JPEG of the image with `text` tiled diagonally and printed on a band at the foot."""
    with Image.open(io.BytesIO(image_bytes), formats=FORMATS) as source:
        base = source.convert("RGB")
    width, height = base.size
    size = max(12, min(width, height) // 28)
    font = ImageFont.load_default(size=size)

    # Diagonal tiles: hard to crop away, light enough to keep the picture readable.
    # Drawn and rotated at half scale, then enlarged: a quarter of the pixels to turn.
    mask = _diagonal_mask(text, size=size, width=width, height=height)
    # A light and a dark pass, offset: legible on pale skin and dark backgrounds alike.
    base.paste((0, 0, 0), (1, 1), mask.point(lambda v: v * 45 // 255))
    base.paste((255, 255, 255), (0, 0), mask.point(lambda v: v * 70 // 255))

    # A solid band with the full text: the mark cannot be missed.
    band = size + size // 2
    draw = ImageDraw.Draw(base)
    draw.rectangle((0, height - band, width, height), fill=(0, 0, 0))
    draw.text(
        (size // 2, height - band + size // 4), text, font=font, fill=(255, 255, 255)
    )

    out = io.BytesIO()
    base.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
