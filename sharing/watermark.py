"""Burn a visible watermark into the copy a recipient receives (issue 6).

The stored rendition is never changed: the display rendition is decrypted in
memory, the recipient's name, the link id and the time are drawn across it,
and a fresh JPEG without metadata is encoded. A leaked copy names its source.
"""

import io
from datetime import datetime

from PIL import Image, ImageDraw, ImageFont

JPEG_QUALITY = 85
# The allow-list of what the decrypted rendition may be (S11); imaging wrote it as JPEG.
FORMATS = ["JPEG", "PNG", "WEBP"]


def watermark_text(*, recipient: str, link_uuid, at: datetime) -> str:
    return f"For {recipient} · link {str(link_uuid)[:8]} · {at:%Y-%m-%d %H:%M} UTC"


def burn(image_bytes: bytes, *, text: str) -> bytes:
    """A JPEG of the image with `text` tiled diagonally and printed on a band at the foot."""
    with Image.open(io.BytesIO(image_bytes), formats=FORMATS) as source:
        base = source.convert("RGB")
    width, height = base.size
    size = max(12, min(width, height) // 28)
    font = ImageFont.load_default(size=size)

    # Diagonal tiles: hard to crop away, light enough to keep the picture readable.
    diagonal = int((width**2 + height**2) ** 0.5)
    tiles = Image.new("L", (diagonal, diagonal), 0)
    draw = ImageDraw.Draw(tiles)
    step_x = int(draw.textlength(text, font=font)) + size * 3
    step_y = size * 5
    for row, y in enumerate(range(0, diagonal, step_y)):
        offset = (row % 2) * step_x // 2
        for x in range(-offset, diagonal, step_x):
            draw.text((x, y), text, font=font, fill=255)
    tiles = tiles.rotate(30, resample=Image.Resampling.BILINEAR)
    left, top = (diagonal - width) // 2, (diagonal - height) // 2
    mask = tiles.crop((left, top, left + width, top + height))
    light = Image.new("RGB", base.size, (255, 255, 255))
    dark = Image.new("RGB", base.size, (0, 0, 0))
    # A light and a dark pass, offset: legible on pale skin and dark backgrounds alike.
    base.paste(dark, (1, 1), mask.point(lambda v: v * 45 // 255))
    base.paste(light, (0, 0), mask.point(lambda v: v * 70 // 255))

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
