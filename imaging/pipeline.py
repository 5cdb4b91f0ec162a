"""Validation and cleaning of one received image, all in memory (S11-S14).

`process(data)` opens only allow-listed formats, checks the byte and pixel caps
before any decoding, refuses animated, truncated and corrupt files, reads the
capture date from EXIF, applies the EXIF orientation, converts what cameras and
phones really produce (16-bit, greyscale, CMYK, alpha) to 8-bit RGB or L, and
re-encodes every rendition from pixels alone: appended data (polyglots, motion
photo videos) and all metadata are gone, the colour profile is kept.
"""

import hashlib
import io
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from imaging.exceptions import PhotoRefused

register_heif_opener()

_flag_lock = threading.Lock()
ALLOWED_FORMATS = ["JPEG", "PNG", "WEBP", "HEIF"]
SIZES = {"thumb": 320, "display": 1600}
QUALITY = {"thumb": 80, "display": 88, "original": 94}
CONTENT_TYPE = "image/jpeg"
EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 0x9003
DATETIME = 0x0132
ORIENTATION = 0x0112


@dataclass
class Processed:
    sha256: str
    byte_size: int
    width: int
    height: int
    captured_at: datetime | None
    renditions: dict[str, bytes] = field(default_factory=dict)


def _refuse(message: str, reason: str):
    raise PhotoRefused(message, reason=reason)


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def process(data: bytes, *, oversize: bool = False) -> Processed:
    """Validate and clean one image; raise PhotoRefused with a message per file."""
    max_bytes = settings.PHOTO_MAX_BYTES
    if oversize or len(data) > max_bytes:
        _refuse(
            f"The file is larger than {megabytes(max_bytes)}. Export it at a "
            "smaller size and try again.",
            "too_large",
        )
    if not data:
        _refuse("The file is empty. Choose the photo again.", "empty")
    digest = hashlib.sha256(data).hexdigest()
    image = _open(data)
    try:
        captured_at = capture_date(image)
        _load(image)
        cleaned = _clean(image)  # closes `image` when it made a new one
    except BaseException:
        image.close()
        raise
    width, height = cleaned.size
    renditions = render(cleaned)
    return Processed(
        sha256=digest,
        byte_size=len(data),
        width=width,
        height=height,
        captured_at=captured_at,
        renditions=renditions,
    )


def _open(data: bytes) -> Image.Image:
    allowed = "JPEG, PNG, WebP or HEIC/HEIF"
    with warnings.catch_warnings():
        # Pillow only warns between 1x and 2x its own bomb limit: make it an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        except UnidentifiedImageError:
            _refuse(
                f"This is not a photo PixioDoc accepts. Use a {allowed} image.",
                "not_an_image",
            )
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            _refuse_bomb()
        except (OSError, SyntaxError, ValueError):
            _refuse(
                "The file is damaged and cannot be read. Take or export the photo again.",
                "corrupt",
            )
    # Checked before any pixel is decoded (STACK.md: the bomb limit alone is 2x).
    width, height = image.size
    if width <= 0 or height <= 0 or width * height > settings.PHOTO_MAX_PIXELS:
        image.close()
        _refuse_bomb()
    if getattr(image, "is_animated", False) and image.format != "HEIF":
        image.close()
        _refuse(
            "Animated images are not accepted. Use a single still photo.", "animated"
        )
    return image


def _refuse_bomb():
    cap = settings.PHOTO_MAX_PIXELS / 1_000_000
    _refuse(
        f"The image has more than {cap:.0f} megapixels. Export it at a smaller "
        "size and try again.",
        "too_many_pixels",
    )


@contextmanager
def _strict_decoding():
    """A truncated file is refused, never patched up (S12).

    Pillow reads one process-wide flag, and WeasyPrint turns it on when it is
    imported (consent PDFs): set it off for our decode, put back what was there.
    """
    with _flag_lock:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _load(image: Image.Image) -> None:
    with _strict_decoding(), warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            _refuse_bomb()
        except (OSError, SyntaxError, ValueError, EOFError):
            _refuse(
                "The file is incomplete or damaged. Take or export the photo again.",
                "truncated",
            )


def capture_date(image: Image.Image) -> datetime | None:
    """The date the camera says it took the photo, read before metadata is stripped."""
    try:
        exif = image.getexif()
        value = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    except Exception:  # noqa: BLE001 - malformed EXIF only loses the date
        return None
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _clean(image: Image.Image) -> Image.Image:
    """Orientation applied, pixels converted to 8-bit RGB or L, profile kept."""
    icc = image.info.get("icc_profile")
    oriented = image
    try:
        orientation = image.getexif().get(ORIENTATION, 1)
    except Exception:  # noqa: BLE001 - a broken EXIF block has no orientation
        orientation = 1
    if orientation in range(2, 9):
        oriented = ImageOps.exif_transpose(image)
    if oriented.mode == "CMYK":
        # Converted to sRGB; the CMYK profile no longer describes the pixels.
        converted, icc = _cmyk_to_rgb(oriented, icc), None
    else:
        converted = _to_display_mode(oriented)
    # Let go of the decoded copies we no longer need (peak memory).
    for stale in {id(image): image, id(oriented): oriented}.values():
        if stale is not converted:
            stale.close()
    # Nothing but pixels and the colour profile go forward (S13).
    converted.info = {"icc_profile": icc} if icc else {}
    return converted


def _to_display_mode(image: Image.Image) -> Image.Image:
    mode = image.mode
    if mode in ("RGB", "L"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping at 255.
        scale = 1 / 256 if mode != "I" or image.getextrema()[1] > 255 else 1
        return image.convert("I").point(lambda v: v * scale).convert("L")
    if mode == "F":
        low, high = image.getextrema()
        span = (high - low) or 1
        return image.point(lambda v: (v - low) * 255 / span).convert("L")
    if mode in ("RGBA", "LA", "PA", "P", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _cmyk_to_rgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    rgb = None
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            rgb = ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError):
            rgb = None
    return rgb if rgb is not None else image.convert("RGB")


def render(image: Image.Image) -> dict[str, bytes]:
    """JPEG renditions: original (full size), display (1600 px) and thumb (320 px).

    The full-size encode runs in a second thread while the smaller renditions are
    made (Pillow releases the GIL in both); no full-size copy is ever made.
    """
    icc = image.info.get("icc_profile")
    with ThreadPoolExecutor(max_workers=1) as pool:
        original = pool.submit(_encode, image, "original", icc)
        display = _shrink(image, SIZES["display"])
        out = {"display": _encode(display, "display", icc)}
        thumb = _shrink(display, SIZES["thumb"])
        out["thumb"] = _encode(thumb, "thumb", icc)
        out["original"] = original.result()
    return out


def _shrink(image: Image.Image, longest: int) -> Image.Image:
    width, height = image.size
    scale = min(1.0, longest / max(width, height))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def _encode(image: Image.Image, rendition: str, icc: bytes | None) -> bytes:
    buffer = io.BytesIO()
    options = {"quality": QUALITY[rendition]}
    if icc:
        options["icc_profile"] = icc
    # No exif= argument: the encoder writes pixels, the profile and nothing else.
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()
