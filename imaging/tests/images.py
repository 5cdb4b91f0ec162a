"""Generated test images: what phones, cameras and attackers really send."""

import io
import struct
import zlib

from PIL import Image, ImageCms, ImageDraw

SIGNATURES = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG",
    b"RIFF",  # WebP
    b"GIF8",
    b"\x00\x00\x00",  # ISO BMFF (HEIF/AVIF/MP4) box size
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"BM",
)


def drawing(size=(640, 480), mode="RGB", colour=(30, 120, 200)) -> Image.Image:
    image = Image.new("RGB", size, (240, 240, 235))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w * 0.2, h * 0.2, w * 0.6, h * 0.8), fill=colour)
    draw.rectangle((w * 0.65, h * 0.1, w * 0.9, h * 0.3), fill=(200, 60, 40))
    return image.convert(mode) if mode != "RGB" else image


def encode(image: Image.Image, fmt="JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def jpeg(size=(640, 480), **options) -> bytes:
    return encode(drawing(size), "JPEG", quality=90, **options)


def png(size=(640, 480), mode="RGB") -> bytes:
    return encode(drawing(size, mode), "PNG")


def webp(size=(640, 480)) -> bytes:
    return encode(drawing(size), "WEBP")


def heic(size=(640, 480)) -> bytes:
    return heic_of(drawing(size))


def heic_of(image: Image.Image) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    return encode(image, "HEIF", quality=80)


def exif_jpeg(
    *, orientation=1, taken="2025:03:04 10:20:30", gps=True, size=(600, 300)
) -> bytes:
    """A landscape drawing with orientation, capture date, GPS and a maker note."""
    image = drawing(size)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "SecretCameraMaker"
    exif[0x0132] = taken
    exif.get_ifd(0x8769)[0x9003] = taken
    exif.get_ifd(0x8769)[0x927C] = b"MAKERNOTE-SECRET"
    if gps:
        exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)
        exif.get_ifd(0x8825)[1] = "N"
    return encode(image, "JPEG", quality=90, exif=exif.tobytes())


def sixteen_bit_grey_png(size=(300, 200)) -> bytes:
    image = Image.new("I;16", size)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0] // 2, size[1]), fill=60000)
    draw.rectangle((size[0] // 2, 0, size[0], size[1]), fill=1000)
    return encode(image, "PNG")


def greyscale_jpeg() -> bytes:
    return encode(drawing(mode="L"), "JPEG", quality=90)


def cmyk_jpeg() -> bytes:
    return encode(drawing(mode="CMYK"), "JPEG", quality=90)


def wrong_space_profile_jpeg() -> bytes:
    """An RGB JPEG tagged with a LAB profile: a profile that cannot describe it."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
    return encode(drawing(), "JPEG", quality=90, icc_profile=profile.tobytes())


# Adobe RGB (1998) colorants adapted to D50, as its own profile states them.
ADOBE_RGB = {
    b"rXYZ": (0.6097, 0.3111, 0.0195),
    b"gXYZ": (0.2053, 0.6257, 0.0609),
    b"bXYZ": (0.1492, 0.0632, 0.7446),
}


def big_wide_gamut_profile(entries=30_000) -> bytes:
    """An ICC v2 Adobe-RGB-like display profile whose tone curves are tables of
    `entries` points each: about 180 KB, like the big profiles some cameras and
    editors embed (Little CMS builds no transform from tables of 32,768)."""

    def xyz(values):
        return b"XYZ \0\0\0\0" + b"".join(
            struct.pack(">i", round(v * 65536)) for v in values
        )

    curve = struct.pack(
        f">{entries}H",
        *(round((i / (entries - 1)) ** 2.2 * 65535) for i in range(entries)),
    )
    trc = b"curv\0\0\0\0" + struct.pack(">I", entries) + curve
    name = b"Wide test RGB\0"
    desc = (
        b"desc\0\0\0\0"
        + struct.pack(">I", len(name))
        + name
        + b"\0" * 8  # no Unicode description
        + b"\0" * 70  # no ScriptCode description
    )
    tags = {
        b"desc": desc,
        b"wtpt": xyz((0.9642, 1.0, 0.8249)),
        **{sig: xyz(values) for sig, values in ADOBE_RGB.items()},
        b"rTRC": trc,
        b"gTRC": trc,
        b"bTRC": trc,
        b"cprt": b"text\0\0\0\0none\0",
    }
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table, body = struct.pack(">I", len(tags)), b""
    for sig, data in tags.items():
        data += b"\0" * (-len(data) % 4)
        table += struct.pack(">4sII", sig, offset + len(body), len(data))
        body += data
    size = 128 + table_size + len(body)
    header = (
        struct.pack(">I4sI4s4s4s", size, b"lcms", 0x02100000, b"mntr", b"RGB ", b"XYZ ")
        + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 24  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # perceptual intent
        + struct.pack(">3i", *(round(v * 65536) for v in (0.9642, 1.0, 0.8249)))
        + b"\0" * 48  # creator, profile id, reserved
    )
    assert len(header) == 128
    return header + table + body


def big_profile_jpeg(size=(1600, 1200), colour=(60, 170, 60)) -> bytes:
    """A photo tagged with a 390 KB wide-gamut profile, mostly one flat colour."""
    return encode(
        drawing(size, colour=colour),
        "JPEG",
        quality=90,
        icc_profile=big_wide_gamut_profile(),
    )


def rgba_png() -> bytes:
    image = drawing().convert("RGBA")
    image.putalpha(128)
    return encode(image, "PNG")


CHROMA_GREEN = (0, 255, 0)


def transparent_images() -> dict[str, bytes]:
    """Every kind of PNG transparency, and WebP and HEIF alpha, each with a fully
    transparent top-left corner whose hidden colour is bright green (or grey)."""
    rgb = drawing()
    rgb.paste(CHROMA_GREEN, (0, 0, 100, 100))
    rgba = rgb.convert("RGBA")
    rgba.paste((*CHROMA_GREEN, 0), (0, 0, 100, 100))
    grey = drawing(mode="L")
    grey.paste(77, (0, 0, 100, 100))
    la = grey.convert("LA")
    la.paste((77, 0), (0, 0, 100, 100))
    palette = rgb.quantize(16)
    green_index = palette.getpixel((0, 0))
    wide_grey = Image.new("I;16", (640, 480), 20000)
    # Pasting a bare number into I;16 fills both bytes with its low byte.
    wide_grey.paste(Image.new("I;16", (100, 100), 777), (0, 0))
    return {
        "rgb_key": encode(rgb, "PNG", transparency=CHROMA_GREEN),
        "rgba": encode(rgba, "PNG"),
        "grey_key": encode(grey, "PNG", transparency=77),
        "la": encode(la, "PNG"),
        "palette": encode(palette, "PNG", transparency=green_index),
        "grey16_key": encode(wide_grey, "PNG", transparency=777),
        "webp_alpha": encode(rgba, "WEBP", lossless=True),
        "heic_alpha": heic_of(rgba),
    }


def animated_png() -> bytes:
    frames = [drawing(colour=(i * 60, 50, 50)) for i in range(3)]
    return encode(frames[0], "PNG", save_all=True, append_images=frames[1:])


def animated_webp() -> bytes:
    frames = [drawing(colour=(i * 60, 50, 50)) for i in range(3)]
    return encode(frames[0], "WEBP", save_all=True, append_images=frames[1:])


def gif() -> bytes:
    return encode(drawing(), "GIF")


def tiff() -> bytes:
    return encode(drawing(), "TIFF")


def png_chunks(data: bytes) -> list[tuple[bytes, int, int]]:
    """(kind, offset, length) of every chunk of a PNG."""
    position, chunks = 8, []
    while position + 8 <= len(data):
        (length,) = struct.unpack_from(">I", data, position)
        chunks.append((data[position + 4 : position + 8], position, length))
        position += 12 + length
    return chunks


def noisy(size=(800, 600)) -> Image.Image:
    """Pixels that do not compress: a PNG of many IDAT chunks."""
    return Image.effect_noise(size, 60).convert("RGB")


def broken_pngs() -> dict[str, bytes]:
    """PNGs cut where transfers break off, and one with a damaged checksum."""
    data = encode(noisy(), "PNG")
    chunks = png_chunks(data)
    idats = [c for c in chunks if c[0] == b"IDAT"]
    assert len(idats) > 4, "want several IDAT chunks"
    _, iend, _ = chunks[-1]
    three_quarters = idats[len(idats) * 3 // 4][1]
    flipped = bytearray(data)
    flipped[idats[1][1] + 100] ^= 0xFF  # inside the image data: its CRC fails
    return {
        # Whole chunks only: no reader runs out of bytes mid-chunk.
        "idat_chunks_cut": data[:three_quarters],
        "idat_stream_cut": data[: three_quarters + 1000],
        "iend_missing": data[:iend],
        "iend_cut": data[: iend + 6],
        "idat_crc_wrong": bytes(flipped),
    }


def truncated(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)]


def truncated_jpeg() -> bytes:
    data = jpeg((800, 600))
    return data[: len(data) // 2]


def corrupt() -> bytes:
    data = bytearray(jpeg())
    # Keep the header, scramble the rest: opens, fails to decode.
    for i in range(600, len(data) - 2, 7):
        data[i] = 0xFF
    return bytes(data)


def polyglot_jpeg() -> bytes:
    """A JPEG with a zip archive and a script appended after its end marker."""
    return jpeg() + b"PK\x03\x04<script>alert(1)</script>" + b"\x00" * 64


def _segment(marker: int, body: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(body) + 2) + body


def _mpf_segment(entries: list[tuple[int, int, int]]) -> bytes:
    """An APP2 MPF index (CIPA DC-007): (MP type, size, offset) per picture."""
    count = len(entries)
    ifd = struct.pack("<H", 3)
    ifd += struct.pack("<HHI4s", 0xB000, 7, 4, b"0100")  # MPFVersion
    ifd += struct.pack("<HHII", 0xB001, 4, 1, count)  # NumberOfImages
    ifd += struct.pack("<HHII", 0xB002, 7, 16 * count, 8 + 2 + 3 * 12 + 4)  # MPEntry
    ifd += struct.pack("<I", 0)  # no next IFD
    values = b"".join(
        struct.pack("<IIIHH", mp_type, size, offset, 0, 0)
        for mp_type, size, offset in entries
    )
    return _segment(0xE2, b"MPF\0" + b"II*\0" + struct.pack("<I", 8) + ifd + values)


def multi_picture_jpeg(
    primary: bytes, others: list[tuple[bytes, int]], *, extra_segments=()
) -> bytes:
    """`primary` with `others` (JPEG bytes, MP type) appended and indexed by an
    MPF segment right after its start marker, as phones and stereo cameras do."""
    placeholder = _mpf_segment([(0, 0, 0)] * (1 + len(others)))
    head = b"\xff\xd8" + b"".join(extra_segments)
    tiff_start = len(head) + 4 + 4  # marker, length, "MPF\0"
    primary_size = len(head) + len(placeholder) + len(primary) - 2
    entries = [(0x20030000, primary_size, 0)]  # representative, baseline primary
    position = primary_size
    for data, mp_type in others:
        entries.append((mp_type, len(data), position - tiff_start))
        position += len(data)
    index = _mpf_segment(entries)
    assert len(index) == len(placeholder)
    return head + index + primary[2:] + b"".join(data for data, _ in others)


def flat_jpeg(colour, size=(640, 480), mode="RGB") -> bytes:
    return encode(Image.new(mode, size, colour), "JPEG", quality=90)


STEREO_LEFT, STEREO_RIGHT = (200, 40, 40), (40, 40, 200)


def stereo_mpo() -> bytes:
    """A stereo camera's MPO: the left view, then the right one (disparity)."""
    return multi_picture_jpeg(
        flat_jpeg(STEREO_LEFT), [(flat_jpeg(STEREO_RIGHT), 0x020002)]
    )


def ultra_hdr_jpeg(*, announced_by="iso") -> bytes:
    """A phone's Ultra HDR photo: an SDR JPEG with a greyscale gain map appended.

    `announced_by="iso"`: an ISO 21496-1 segment (Android 15 and later);
    `"xmp-element"` / `"xmp-attribute"`: Ultra HDR v1 XMP, hdrgm:Version written
    as an element or as an attribute (Pillow opens the latter as a plain JPEG).
    """
    version = {
        "xmp-element": b"<hdrgm:Version>1.0</hdrgm:Version>",
        "xmp-attribute": b'<rdf:Description hdrgm:Version="1.0"/>',
    }
    if announced_by == "iso":
        segment = _segment(0xE2, b"urn:iso:std:iso:ts:21496:-1\0\0\0\0\0")
    else:
        xmp = (
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
            b'xmlns:hdrgm="http://ns.adobe.com/hdr-gain-map/1.0/"/>'
            + version[announced_by]
            + b"</rdf:RDF></x:xmpmeta>"
        )
        segment = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp)
    gain_map = flat_jpeg(180, size=(160, 120), mode="L")
    return multi_picture_jpeg(jpeg(), [(gain_map, 0x000000)], extra_segments=[segment])


HEIF_PRIMARY = (30, 160, 60)


def multi_image_heic(*, primary_index=1) -> bytes:
    """A HEIF holding three images whose primary is not the first (burst, edits)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    colours = [(200, 40, 40), HEIF_PRIMARY, (40, 40, 200)]
    colours[primary_index], colours[1] = colours[1], colours[primary_index]
    frames = [Image.new("RGB", (640, 480), colour) for colour in colours]
    return encode(
        frames[0],
        "HEIF",
        save_all=True,
        append_images=frames[1:],
        primary_index=primary_index,
        quality=90,
    )


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def png_bomb(width=20_000, height=20_000) -> bytes:
    """A tiny PNG declaring a huge canvas (400 Mpx): a decompression bomb."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(50)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", body)
        + chunk(b"IEND", b"")
    )


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
