"""Validation and cleaning of one received image, all in memory (S11-S14).

`process(data)` opens only allow-listed formats, checks the byte and pixel caps
before any decoding, refuses animated, truncated and corrupt files, decodes the
primary picture exactly once and strictly (a multi-picture JPEG, MPO or HEIF
keeps the picture a phone's gallery shows; its gain maps, depth maps and other
views are left out and the verdict says so), reads a plausible capture date
from EXIF, applies the EXIF orientation, converts what cameras and phones
really produce (16-bit, greyscale, CMYK, every kind of transparency, any colour
profile) to 8-bit sRGB or greyscale, and re-encodes every rendition from pixels
alone: appended data (polyglots, motion photo videos) and all metadata are
gone; RGB renditions carry only the small sRGB profile.
"""

import hashlib
import io
import struct
import threading
import warnings
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from PIL import (
    Image,
    ImageCms,
    ImageFile,
    ImageMath,
    ImageOps,
    UnidentifiedImageError,
)
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
# Older dates are a camera whose clock was never set (DESIGN §9: no visit in 1970).
EARLIEST_CAPTURE = datetime(1990, 1, 1)
# A camera's clock is local time in an unknown zone: allow a day ahead of ours.
CLOCK_SLACK = timedelta(days=1)
# Every RGB rendition carries this 588-byte profile, never the file's own.
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
SRGB_ICC = SRGB.tobytes()
# Only these formats may hold an animation; multi-picture JPEG (MPO) and HEIF
# hold one photo with its companions, and keep the primary picture.
ANIMATED_FORMATS = ("PNG", "WEBP")
# What the extra pictures of a multi-picture file are, in the verdict's words.
LEFT_OUT_WORDS = {
    "gain_map": ngettext_lazy(
        "%(count)s HDR gain map", "%(count)s HDR gain maps", "count"
    ),
    "depth": ngettext_lazy("%(count)s depth map", "%(count)s depth maps", "count"),
    "view": ngettext_lazy("%(count)s other view", "%(count)s other views", "count"),
    "preview": ngettext_lazy("%(count)s preview", "%(count)s previews", "count"),
    "auxiliary": ngettext_lazy(
        "%(count)s auxiliary image", "%(count)s auxiliary images", "count"
    ),
    "other": ngettext_lazy(
        "%(count)s other picture", "%(count)s other pictures", "count"
    ),
}
# CIPA DC-007 MP types as Pillow names them.
MP_TYPE_KINDS = {
    "Large Thumbnail (VGA Equivalent)": "preview",
    "Large Thumbnail (Full HD Equivalent)": "preview",
    "Multi-Frame Image (Panorama)": "view",
    "Multi-Frame Image: (Disparity)": "view",
    "Multi-Frame Image: (Multi-Angle)": "view",
}
# How a primary JPEG announces that its second picture is a gain map: the
# Ultra HDR XMP namespace, or the ISO 21496-1 metadata segment.
GAIN_MAP_SIGNS = (b"http://ns.adobe.com/hdr-gain-map/1.0/", b"hdrgm:")
ISO_GAIN_MAP = b"urn:iso:std:iso:ts:21496:-1"


@dataclass
class Processed:
    sha256: str
    byte_size: int
    width: int
    height: int
    captured_at: datetime | None
    renditions: dict[str, bytes] = field(default_factory=dict)
    # Sentences for the verdict: what was left out or ignored, and why.
    notes: list[str] = field(default_factory=list)


class _ToleranceTurnedOn(Exception):
    """Another thread turned Pillow's truncated-image tolerance on mid-decode."""


def _refuse(message: str, reason: str):
    raise PhotoRefused(message, reason=reason)


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def process(data: bytes, *, oversize: bool = False) -> Processed:
    """Validate and clean one image; raise PhotoRefused with a message per file."""
    max_bytes = settings.PHOTO_MAX_BYTES
    if oversize or len(data) > max_bytes:
        _refuse(
            _(
                "The file is larger than %(size)s. Export it at a smaller size and "
                "try again."
            )
            % {"size": megabytes(max_bytes)},
            "too_large",
        )
    if not data:
        _refuse(_("The file is empty. Choose the photo again."), "empty")
    digest = hashlib.sha256(data).hexdigest()
    image, left_out = _decode(data)
    notes = [left_out_note(left_out)] if left_out else []
    try:
        captured_at = capture_date(image)
        if captured_at is not None and (problem := implausible(captured_at)):
            notes.append(
                _("The camera's date (%(date)s) was ignored: %(problem)s.")
                % {"date": f"{captured_at:%Y-%m-%d}", "problem": problem}
            )
            captured_at = None
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
        notes=notes,
    )


def _decode(data: bytes) -> tuple[Image.Image, Counter]:
    """Open, check and decode the primary picture once, strictly (S11, S12).

    Nothing reads pixels before this (a capture-date read used to decode and
    swallow the error). Should another thread turn Pillow's tolerance on while
    we decode (a first WeasyPrint import), the result is not trusted: decode
    again.
    """
    for _attempt in range(3):
        try:
            with _strict_decoding(), warnings.catch_warnings():
                # Pillow only warns between 1x and 2x its bomb limit: an error.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image = _open(data)
                try:
                    left_out = _left_out(image)
                    _load(image)
                    if image.format == "PNG":
                        _require_complete_png(data)
                except BaseException:
                    image.close()
                    raise
        except _ToleranceTurnedOn:
            image.close()
            continue
        return image, left_out
    _refuse(_("The photo could not be checked just now. Try again."), "unchecked")


def _open(data: bytes) -> Image.Image:
    allowed = "JPEG, PNG, WebP or HEIC/HEIF"
    try:
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except UnidentifiedImageError:
        _refuse(
            _("This is not a photo PixioDoc accepts. Use a %(formats)s image.")
            % {"formats": allowed},
            "not_an_image",
        )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse_bomb()
    except (OSError, SyntaxError, ValueError):
        _refuse(
            _(
                "The file is damaged and cannot be read. Take or export the photo again."
            ),
            "corrupt",
        )
    # Checked before any pixel is decoded (STACK.md: the bomb limit alone is 2x).
    # A multi-picture file is opened at its primary picture: that is the size.
    width, height = image.size
    if width <= 0 or height <= 0 or width * height > settings.PHOTO_MAX_PIXELS:
        image.close()
        _refuse_bomb()
    if getattr(image, "is_animated", False) and image.format in ANIMATED_FORMATS:
        image.close()
        _refuse(
            _("Animated images are not accepted. Use a single still photo."),
            "animated",
        )
    return image


def _left_out(image: Image.Image) -> Counter:
    """Kinds and numbers of the pictures stored beside the primary one.

    Pillow opens an MPO, or a JPEG indexed by an MPF segment, at its first
    picture and a HEIF at its primary image: what a phone's gallery shows.
    """
    kinds: Counter = Counter()
    if image.format in ("JPEG", "MPO"):
        for entry in _mp_entries(image)[1:]:
            kind = MP_TYPE_KINDS.get(entry["Attribute"]["MPType"], "other")
            if kind == "other" and _announces_gain_map(image):
                kind = "gain_map"
            kinds[kind] += 1
    elif image.format == "HEIF":
        kinds["other"] += image.n_frames - 1
        kinds["depth"] += len(image.info.get("depth_images") or ())
        for aux_type, ids in (image.info.get("aux") or {}).items():
            kinds["gain_map" if "hdrgainmap" in aux_type else "auxiliary"] += len(ids)
    return +kinds


def _mp_entries(image: Image.Image) -> list[dict]:
    mp = getattr(image, "mpinfo", None)
    if mp is None:
        try:
            # An Ultra HDR JPEG that Pillow opens as a plain JPEG keeps its index.
            mp = image._getmp()
        except (SyntaxError, ValueError, KeyError, TypeError, struct.error):
            mp = None  # a malformed index only loses the note
    return list((mp or {}).get(0xB002) or ())


def _announces_gain_map(image: Image.Image) -> bool:
    for marker, content in getattr(image, "applist", ()):
        if marker == "APP1" and any(sign in content for sign in GAIN_MAP_SIGNS):
            return True
        if marker == "APP2" and content.startswith(ISO_GAIN_MAP):
            return True
    return False


def left_out_note(kinds: Counter) -> str:
    parts = [LEFT_OUT_WORDS[kind] % {"count": count} for kind, count in kinds.items()]
    listed = (
        parts[0]
        if len(parts) == 1
        else _("%(items)s and %(last)s")
        % {"items": ", ".join(parts[:-1]), "last": parts[-1]}
    )
    return _("Only the main picture was kept; left out %(listed)s.") % {
        "listed": listed
    }


def _refuse_bomb():
    cap = settings.PHOTO_MAX_PIXELS / 1_000_000
    _refuse(
        _(
            "The image has more than %(megapixels)s megapixels. Export it at a "
            "smaller size and try again."
        )
        % {"megapixels": f"{cap:.0f}"},
        "too_many_pixels",
    )


@contextmanager
def _strict_decoding():
    """A truncated file is refused, never patched up (S12).

    Pillow reads one process-wide flag (the PNG reader even when opening), and
    WeasyPrint turns it on when it is imported (audit and consent PDFs): set it
    off for our open and decode, put back what was there, and raise
    _ToleranceTurnedOn when someone turned it on meanwhile.
    """
    with _flag_lock:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            meanwhile = ImageFile.LOAD_TRUNCATED_IMAGES
            # Whoever turned it on meanwhile wanted it on: leave it so for them.
            ImageFile.LOAD_TRUNCATED_IMAGES = meanwhile or previous
        if meanwhile:
            raise _ToleranceTurnedOn


def _load(image: Image.Image) -> None:
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse_bomb()
    except (OSError, SyntaxError, ValueError, EOFError, RuntimeError):
        _refuse_truncated()


def _refuse_truncated():
    _refuse(
        _("The file is incomplete or damaged. Take or export the photo again."),
        "truncated",
    )


def _require_complete_png(data: bytes) -> None:
    """Every chunk whole, its checksum right, up to IEND (S12).

    Pillow stops reading once it has the pixels and never checks the image
    data's checksums: a PNG cut anywhere after them would pass.
    """
    view = memoryview(data)
    position = 8  # past the signature
    while position + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, position)
        end = position + 12 + length
        if end > len(data):
            break
        kind = view[position + 4 : position + 8]
        (crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(view[position + 4 : end - 4]) != crc:
            break
        if kind == b"IEND":
            return  # anything after it is dropped like any appended data (S13)
        position = end
    _refuse_truncated()


def capture_date(image: Image.Image) -> datetime | None:
    """The date the camera says it took the photo, read before metadata is stripped.

    Called on the decoded image only: a PNG's EXIF read would decode it.
    """
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


def implausible(moment: datetime) -> str | None:
    """Why a capture date cannot be true, or None when it can."""
    if moment < EARLIEST_CAPTURE:
        return _("it is before %(year)s") % {"year": EARLIEST_CAPTURE.year}
    if moment > timezone.localtime().replace(tzinfo=None) + CLOCK_SLACK:
        return _("it is in the future")
    return None


def _clean(image: Image.Image) -> Image.Image:
    """Orientation applied, pixels converted to 8-bit sRGB or greyscale."""
    icc = image.info.get("icc_profile")
    oriented = image
    try:
        orientation = image.getexif().get(ORIENTATION, 1)
    except Exception:  # noqa: BLE001 - a broken EXIF block has no orientation
        orientation = 1
    if orientation in range(2, 9):
        oriented = ImageOps.exif_transpose(image)
    # CMYK goes to sRGB through its own profile; anything else is first made
    # 8-bit RGB or L, its transparency flattened, then moved into sRGB.
    displayed = oriented if oriented.mode == "CMYK" else _to_display_mode(oriented)
    converted = _to_srgb(displayed, icc)
    # Let go of the decoded copies we no longer need (peak memory).
    for stale in {id(i): i for i in (image, oriented, displayed)}.values():
        if stale is not converted:
            stale.close()
    # Nothing but pixels and the small sRGB profile go forward (S13); a
    # greyscale JPEG cannot carry an RGB profile and is read as sRGB grey.
    converted.info = {"icc_profile": SRGB_ICC} if converted.mode == "RGB" else {}
    return converted


def _to_display_mode(image: Image.Image) -> Image.Image:
    """8-bit RGB or L, every kind of transparency flattened on white."""
    mask = _opacity(image)
    base = _eight_bit(image)
    if mask is None:
        return base
    flat = Image.new(base.mode, base.size, "white")
    flat.paste(base, mask=mask)
    if base is not image:
        base.close()
    return flat


def _opacity(image: Image.Image) -> Image.Image | None:
    """The alpha channel, or the mask of a PNG's transparent key colour (tRNS)."""
    mode = image.mode
    if mode in ("RGBA", "LA", "PA"):
        return image.getchannel("A")
    if mode in ("RGBa", "La"):
        return image.convert("RGBA").getchannel("A")
    key = image.info.get("transparency")
    if key is None:
        return None
    if mode.startswith("I") and isinstance(key, int):
        # Pillow's own key conversion ignores 16-bit greyscale: compare ourselves.
        wide = image.convert("I")
        return ImageMath.lambda_eval(lambda a: (a["im"] != key) * 255, im=wide).convert(
            "L"
        )
    # P (palette alpha), L, RGB and 1 with a key colour.
    return image.convert("RGBA").getchannel("A")


def _eight_bit(image: Image.Image) -> Image.Image:
    mode = image.mode
    if mode in ("RGB", "L"):
        return image
    if mode in ("1", "LA", "La"):
        return image.convert("L")
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping at 255.
        scale = 1 / 256 if mode != "I" or image.getextrema()[1] > 255 else 1
        return image.convert("I").point(lambda v: v * scale).convert("L")
    if mode == "F":
        low, high = image.getextrema()
        span = (high - low) or 1
        return image.point(lambda v: (v - low) * 255 / span).convert("L")
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """The pixels moved from the file's colour profile into sRGB.

    A file without a profile is sRGB already (what browsers assume too); so is a
    profile that cannot be used (broken, or for another colour space).
    """
    naive = image.convert("RGB") if image.mode == "CMYK" else image
    if not icc:
        return naive
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if image.mode != "CMYK" and "sRGB" in ImageCms.getProfileDescription(source):
            return naive  # the same colours: only the profile's bytes differ
        converted = ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return naive
    if naive is not image:
        naive.close()
    if image.mode == "L":
        # A grey profile: the sRGB result is grey, kept as one channel.
        grey = converted.convert("L")
        converted.close()
        return grey
    return converted


def render(image: Image.Image) -> dict[str, bytes]:
    """JPEG renditions: original (full size), display (1600 px) and thumb (320 px).

    Each carries the profile the cleaned image holds (sRGB for RGB), nothing else.

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
