"""The image shown instead of a rendition that failed its integrity check (S18)."""

import io
from functools import cache

from PIL import Image, ImageDraw


@cache
def placeholder_png() -> bytes:
    image = Image.new("RGB", (320, 240), (236, 239, 243))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 311, 231), outline=(180, 35, 24), width=4)
    draw.line((120, 80, 200, 160), fill=(180, 35, 24), width=8)
    draw.line((200, 80, 120, 160), fill=(180, 35, 24), width=8)
    draw.text((62, 190), "Photo failed its integrity check", fill=(27, 36, 48))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
