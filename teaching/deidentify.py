"""The pixels of a de-identified image: face suggestions, crop, covers (issue 17).

Pure functions on bytes, no rows: the editor sends boxes in coordinates relative
to the image (0..1), so they fit whichever rendition the browser showed. The
result is encoded afresh from pixels with no EXIF, XMP, ICC profile or comment
(S13), so nothing of the capture travels with it.
"""

import io
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext
from PIL import Image, ImageFilter

from teaching.exceptions import TeachingError

# The allow-list for decrypted renditions (S11); imaging stored them as JPEG.
FORMATS = ["JPEG"]
SIZES = {"display": 1600, "thumb": 320}
QUALITY = {"display": 88, "thumb": 80}
MAX_BOXES = 50
# A box smaller than this (relative) is a slip of the finger, not a cover.
MIN_SIDE = 0.005
COVERS = ("blur", "black")
# Face detection runs on a copy this size: enough for a face a tenth of the
# frame, and fast on a phone-sized upload.
DETECT_LONGEST = 800


@dataclass(frozen=True)
class Box:
    """A rectangle relative to the image: 0..1 from the top left."""

    x: float
    y: float
    w: float
    h: float
    cover: str = "black"

    def on(self, width: int, height: int) -> tuple[int, int, int, int]:
        left = max(0, min(width, round(self.x * width)))
        top = max(0, min(height, round(self.y * height)))
        right = max(left, min(width, round((self.x + self.w) * width)))
        bottom = max(top, min(height, round((self.y + self.h) * height)))
        return left, top, right, bottom

    def as_dict(self) -> dict:
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h, "cover": self.cover}


def clean_box(raw, *, cover_required: bool = True) -> Box:
    """A Box from untrusted JSON, clipped to the image; TeachingError when unusable."""
    if not isinstance(raw, dict):
        raise TeachingError(
            gettext("Draw the boxes again: one of them was not understood.")
        )
    values = []
    for key in ("x", "y", "w", "h"):
        value = raw.get(key)
        if not isinstance(value, int | float) or not -0.5 <= value <= 1.5:
            raise TeachingError(gettext("A box lies outside the photo: draw it again."))
        values.append(float(value))
    x, y, w, h = values
    left, top = max(0.0, x), max(0.0, y)
    right, bottom = min(1.0, x + w), min(1.0, y + h)
    if right - left < MIN_SIDE or bottom - top < MIN_SIDE:
        raise TeachingError(
            gettext("A box is too small to cover anything: draw it again.")
        )
    cover = raw.get("cover", "black")
    if cover_required and cover not in COVERS:
        raise TeachingError(
            gettext("Each box either blurs or blacks out what it covers.")
        )
    return Box(
        round(left, 5),
        round(top, 5),
        round(right - left, 5),
        round(bottom - top, 5),
        cover if cover in COVERS else "black",
    )


def clean_edits(raw) -> tuple[Box | None, list[Box]]:
    """(crop, covers) from the editor's JSON: {"crop": box|null, "boxes": [box...]}."""
    if not isinstance(raw, dict):
        raise TeachingError(
            gettext("The editor's changes were not understood: try again.")
        )
    boxes = raw.get("boxes") or []
    if not isinstance(boxes, list) or len(boxes) > MAX_BOXES:
        raise TeachingError(
            gettext("Use at most %(count)s boxes.") % {"count": MAX_BOXES}
        )
    crop = raw.get("crop")
    return (
        clean_box(crop, cover_required=False) if crop else None,
        [clean_box(b) for b in boxes],
    )


@cache
def _face_cascade():
    # Imported here: OpenCV is heavy and only the editor needs it.
    import cv2

    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        raise RuntimeError("OpenCV's frontal-face cascade is missing (pin opencv<5)")
    return cascade


def suggest_faces(image_bytes: bytes) -> list[Box]:
    """Boxes around what looks like a face, a little enlarged so the cover is generous.

    A suggestion, never a guarantee: profiles, tattoos, jewellery and
    backgrounds are left to the member's own boxes (the editor says so).
    """
    import numpy

    grey = _open(image_bytes).convert("L")
    grey.thumbnail((DETECT_LONGEST, DETECT_LONGEST))
    width, height = grey.size
    smallest = max(24, min(width, height) // 12)
    found = _face_cascade().detectMultiScale(
        numpy.asarray(grey),
        scaleFactor=1.1,
        minNeighbors=5,
        minSize=(smallest, smallest),
    )
    boxes = []
    for left, top, w, h in found:
        # The cascade frames eyes to mouth; a cover needs the brow and chin too.
        grow_w, grow_h = w * 0.15, h * 0.2
        boxes.append(
            clean_box(
                {
                    "x": (left - grow_w) / width,
                    "y": (top - grow_h) / height,
                    "w": (w + 2 * grow_w) / width,
                    "h": (h + 2 * grow_h) / height,
                    "cover": "blur",
                }
            )
        )
    return boxes


def _open(image_bytes: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(image_bytes), formats=FORMATS)
    image.load()
    return image


def _cover(image: Image.Image, box: Box) -> None:
    left, top, right, bottom = box.on(*image.size)
    if right <= left or bottom <= top:
        return
    if box.cover == "black":
        image.paste((0, 0, 0), (left, top, right, bottom))
        return
    # Pixelate to a few blocks, then blur: a plain blur of a face can be undone
    # well enough to recognise it; eight blocks across cannot.
    region = image.crop((left, top, right, bottom))
    small = region.resize(
        (min(8, region.width), min(8, region.height)), Image.Resampling.BOX
    )
    coarse = small.resize(region.size, Image.Resampling.NEAREST)
    radius = max(2, min(region.size) // 10)
    image.paste(coarse.filter(ImageFilter.GaussianBlur(radius)), (left, top))


def derive(image_bytes: bytes, *, crop: Box | None, covers: list[Box]) -> dict:
    """Covered, cropped JPEG renditions and the display size; no metadata at all.

    Covers are applied to the full frame first and the crop after, so a box drawn
    across the crop line still covers what stays in.
    """
    with _open(image_bytes) as source:
        # A fresh RGB image holds pixels only: no info dict, no profile (S13).
        pixels = Image.new("RGB", source.size)
        pixels.paste(source.convert("RGB"))
    for box in covers:
        _cover(pixels, box)
    if crop is not None:
        pixels = pixels.crop(crop.on(*pixels.size))
    # Each rendition is shrunk from the previous one: no second full-size copy.
    display = _shrink(pixels, SIZES["display"])
    thumb = _shrink(display, SIZES["thumb"])
    return {
        "display": encode(display, quality=QUALITY["display"]),
        "thumb": encode(thumb, quality=QUALITY["thumb"]),
        "width": display.width,
        "height": display.height,
    }


def _shrink(image: Image.Image, longest: int) -> Image.Image:
    scale = min(1.0, longest / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def encode(image: Image.Image, *, quality: int) -> bytes:
    buffer = io.BytesIO()
    # No exif=, icc_profile= or comment=: the encoder writes pixels and nothing else.
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
