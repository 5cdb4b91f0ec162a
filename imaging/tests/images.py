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
    from pillow_heif import register_heif_opener

    register_heif_opener()
    return encode(drawing(size), "HEIF", quality=80)


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


def wide_gamut_jpeg() -> bytes:
    """A JPEG tagged with a non-sRGB ICC profile (LAB-derived stand-in for Display P3)."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
    return encode(drawing(), "JPEG", quality=90, icc_profile=profile.tobytes())


def rgba_png() -> bytes:
    image = drawing().convert("RGBA")
    image.putalpha(128)
    return encode(image, "PNG")


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
