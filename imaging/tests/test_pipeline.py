import hashlib
import io
import subprocess
import sys
from datetime import datetime

import pytest
from PIL import Image, ImageCms, ImageFile

from imaging import pipeline
from imaging.exceptions import PhotoRefused
from imaging.tests import images


def rendition(processed, name="original") -> Image.Image:
    return images.open_image(processed.renditions[name])


def is_small_srgb(image: Image.Image) -> bool:
    icc = image.info.get("icc_profile") or b""
    profile = ImageCms.ImageCmsProfile(io.BytesIO(icc)) if icc else None
    return (
        profile is not None
        and len(icc) < 1024
        and "sRGB" in ImageCms.getProfileDescription(profile)
    )


@pytest.fixture
def weasyprint_first(monkeypatch):
    """What a worker looks like once it has rendered an audit or consent PDF."""
    import weasyprint  # noqa: F401 - imported for its side effect on Pillow

    # Put back afterwards whatever the flag was (our pipeline must not change it).
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)


def test_it_makes_three_jpeg_renditions_of_the_right_sizes():
    processed = pipeline.process(images.jpeg((4000, 3000)))
    sizes = {
        name: rendition(processed, name).size
        for name in ("thumb", "display", "original")
    }
    assert sizes == {
        "thumb": (320, 240),
        "display": (1600, 1200),
        "original": (4000, 3000),
    }
    assert all(
        data.startswith(b"\xff\xd8\xff") for data in processed.renditions.values()
    )


def test_it_keeps_the_sha256_of_the_received_bytes():
    data = images.jpeg()
    processed = pipeline.process(data)
    assert processed.sha256 == hashlib.sha256(data).hexdigest()
    assert processed.byte_size == len(data)


@pytest.mark.parametrize(
    "maker",
    [images.jpeg, images.png, images.webp, images.heic],
    ids=lambda m: m.__name__,
)
def test_it_accepts_the_allowed_formats(maker):
    processed = pipeline.process(maker())
    assert rendition(processed).size == (640, 480)


# S11
@pytest.mark.parametrize(
    "maker",
    [images.pdf, images.svg, images.gif, images.tiff, lambda: b"PK\x03\x04zipfile"],
    ids=["pdf", "svg", "gif", "tiff", "zip"],
)
def test_it_refuses_anything_not_allow_listed(maker):
    with pytest.raises(PhotoRefused, match="not a photo PixioDoc accepts") as refused:
        pipeline.process(maker())
    assert refused.value.reason == "not_an_image"


# S12
def test_it_refuses_a_file_over_the_byte_cap(settings):
    settings.PHOTO_MAX_BYTES = 1000
    with pytest.raises(PhotoRefused, match="larger than") as refused:
        pipeline.process(images.jpeg())
    assert refused.value.reason == "too_large"


# S12
def test_it_refuses_a_file_the_upload_handler_marked_oversize():
    with pytest.raises(PhotoRefused, match="larger than"):
        pipeline.process(b"", oversize=True)


# S12
def test_it_refuses_a_bomb_before_decoding(monkeypatch):
    loaded = []
    monkeypatch.setattr(pipeline, "_load", lambda image: loaded.append(image))
    with pytest.raises(PhotoRefused, match="megapixels") as refused:
        pipeline.process(images.png_bomb())
    assert refused.value.reason == "too_many_pixels"
    assert loaded == []  # refused from the header alone


# S12: between 1x and 2x Pillow's own limit it only warns; our cap still holds.
def test_the_pixel_cap_is_ours_not_pillows(settings):
    settings.PHOTO_MAX_PIXELS = 640 * 480 - 1
    with pytest.raises(PhotoRefused, match="megapixels"):
        pipeline.process(images.jpeg((640, 480)))


# S12
@pytest.mark.parametrize(
    "maker,reason",
    [(images.truncated_jpeg, "truncated"), (images.corrupt, "truncated")],
    ids=["truncated", "corrupt"],
)
def test_it_refuses_damaged_files(maker, reason):
    with pytest.raises(PhotoRefused, match="damaged") as refused:
        pipeline.process(maker())
    assert refused.value.reason == reason


# S12: WeasyPrint (consent PDFs) turns Pillow's truncated-image flag on process-wide
def test_a_truncated_file_is_refused_even_if_someone_turned_tolerance_on(monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(PhotoRefused, match="damaged"):
        pipeline.process(images.truncated_jpeg())
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back for its owner


def test_it_refuses_an_empty_file():
    with pytest.raises(PhotoRefused, match="empty"):
        pipeline.process(b"")


@pytest.mark.parametrize("maker", [images.animated_png, images.animated_webp])
def test_it_refuses_animated_images(maker):
    with pytest.raises(PhotoRefused, match="Animated") as refused:
        pipeline.process(maker())
    assert refused.value.reason == "animated"


# S13
def test_appended_data_is_dropped():
    processed = pipeline.process(images.polyglot_jpeg())
    for data in processed.renditions.values():
        assert b"PK\x03\x04" not in data and b"<script>" not in data
        assert data.rstrip(b"\x00").endswith(b"\xff\xd9")


# S13
def test_orientation_is_applied_and_every_piece_of_metadata_removed():
    data = images.exif_jpeg(orientation=6)  # 600x300 stored, shown rotated 90°
    processed = pipeline.process(data)
    for name, blob in processed.renditions.items():
        image = images.open_image(blob)
        assert image.height > image.width, name
        assert not image.getexif(), name
        assert b"Exif" not in blob and b"SecretCameraMaker" not in blob
        assert b"MAKERNOTE-SECRET" not in blob
    assert rendition(processed).size == (300, 600)


def test_the_capture_date_is_read_before_stripping():
    processed = pipeline.process(images.exif_jpeg(taken="2024:11:02 09:08:07"))
    assert processed.captured_at.isoformat() == "2024-11-02T09:08:07"


def test_a_photo_without_exif_has_no_capture_date():
    assert pipeline.process(images.png()).captured_at is None


def test_sixteen_bit_greyscale_is_scaled_not_clipped():
    image = rendition(pipeline.process(images.sixteen_bit_grey_png()))
    assert image.mode == "L"
    bright, dark = image.getpixel((10, 10)), image.getpixel((290, 10))
    assert bright > 200 and dark < 20


def test_greyscale_stays_greyscale_without_a_profile():
    image = rendition(pipeline.process(images.greyscale_jpeg()))
    assert image.mode == "L" and "icc_profile" not in image.info


def test_cmyk_is_converted_to_srgb():
    image = rendition(pipeline.process(images.cmyk_jpeg()))
    assert image.mode == "RGB" and is_small_srgb(image)


@pytest.mark.parametrize("kind", list(images.transparent_images()))
def test_every_kind_of_transparency_is_flattened_on_white(kind):
    image = rendition(pipeline.process(images.transparent_images()[kind]))
    corner = image.getpixel((5, 5))  # transparent: bright green or a grey key below
    assert corner == 255 if image.mode == "L" else min(corner) >= 250, corner
    centre = image.getpixel((250, 240))  # opaque: the drawing's blue (or its grey)
    assert centre != corner


def test_half_transparency_is_blended_on_white():
    r, g, b = rendition(pipeline.process(images.rgba_png())).getpixel((5, 5))
    assert min(r, g, b) > 200


# S13: the pixels move into sRGB; the file's own profile is not copied.
def test_a_big_wide_gamut_profile_becomes_the_small_srgb_profile():
    data = images.big_profile_jpeg(colour=(60, 170, 60))
    assert len(Image.open(io.BytesIO(data)).info["icc_profile"]) > 150_000
    processed = pipeline.process(data)
    assert len(processed.renditions["thumb"]) < 30_000
    for name in ("thumb", "display", "original"):
        image = rendition(processed, name)
        assert is_small_srgb(image), name
        # Adobe RGB's green (60, 170, 60) is a purer green in sRGB.
        r, g, b = image.getpixel((image.width // 3, image.height // 2))
        assert r < 20 and 160 < g < 185 and b < 60, (name, (r, g, b))


def test_an_untagged_photo_is_taken_as_srgb_and_says_so():
    image = rendition(pipeline.process(images.jpeg()))
    assert is_small_srgb(image)
    assert image.getpixel((5, 5)) == pytest.approx((240, 240, 235), abs=3)


def test_a_profile_that_cannot_describe_the_pixels_is_ignored():
    image = rendition(pipeline.process(images.wrong_space_profile_jpeg()))
    assert is_small_srgb(image)
    assert image.getpixel((5, 5)) == pytest.approx((240, 240, 235), abs=3)


# Photos from current phones and stereo cameras: the primary picture is kept.
@pytest.mark.parametrize("announced_by", ["iso", "xmp-element", "xmp-attribute"])
def test_an_ultra_hdr_jpeg_keeps_its_picture_and_leaves_out_the_gain_map(
    announced_by,
):
    processed = pipeline.process(images.ultra_hdr_jpeg(announced_by=announced_by))
    image = rendition(processed)
    assert image.size == (640, 480) and image.mode == "RGB"
    assert image.getpixel((5, 5)) == pytest.approx((240, 240, 235), abs=3)
    assert processed.notes == [
        "Only the main picture was kept; left out 1 HDR gain map."
    ]


def test_a_stereo_mpo_keeps_the_first_view():
    processed = pipeline.process(images.stereo_mpo())
    assert rendition(processed).getpixel((5, 5)) == pytest.approx(
        images.STEREO_LEFT, abs=3
    )
    assert processed.notes == ["Only the main picture was kept; left out 1 other view."]


@pytest.mark.parametrize("primary_index", [0, 1, 2])
def test_a_multi_image_heif_keeps_its_primary_image(primary_index):
    processed = pipeline.process(images.multi_image_heic(primary_index=primary_index))
    assert rendition(processed).getpixel((5, 5)) == pytest.approx(
        images.HEIF_PRIMARY, abs=6
    )
    assert processed.notes == [
        "Only the main picture was kept; left out 2 other pictures."
    ]


def test_a_single_picture_has_no_note():
    assert pipeline.process(images.jpeg()).notes == []
    assert pipeline.process(images.heic()).notes == []


def test_the_index_of_a_camera_preview_is_named_as_such():
    data = images.multi_picture_jpeg(
        images.jpeg(), [(images.flat_jpeg(0, size=(160, 120)), 0x010001)]
    )
    assert pipeline.process(data).notes == [
        "Only the main picture was kept; left out 1 preview."
    ]


# S12: broken files, with and without WeasyPrint's tolerance switched on first
BROKEN = {
    **{f"png_{name}": data for name, data in images.broken_pngs().items()},
    **{
        f"{kind}_{fraction}": images.truncated(maker((800, 600)), fraction)
        for kind, maker in (
            ("jpeg", images.jpeg),
            ("webp", images.webp),
            ("heic", images.heic),
        )
        for fraction in (0.5, 0.9, 0.99)
    },
    "jpeg_end_marker_cut": images.jpeg((800, 600))[:-2],
    "png_noisy_half": images.truncated(images.encode(images.noisy(), "PNG"), 0.5),
}


@pytest.mark.parametrize("tolerant", [False, True], ids=["plain", "weasyprint_first"])
@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_file_is_refused(name, tolerant, monkeypatch, request):
    if tolerant:
        request.getfixturevalue("weasyprint_first")
    else:
        monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    with pytest.raises(PhotoRefused, match="damaged") as refused:
        pipeline.process(BROKEN[name])
    assert refused.value.reason in ("truncated", "corrupt")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is tolerant  # put back for its owner


def test_weasyprint_turns_pillows_tolerance_on_when_imported():
    # Why the pipeline sets the flag itself: checked in a fresh interpreter.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from PIL import ImageFile; before = ImageFile.LOAD_TRUNCATED_IMAGES; "
            "import weasyprint; print(before, ImageFile.LOAD_TRUNCATED_IMAGES)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == ["False", "True"]


def test_a_whole_png_is_stored_with_weasyprint_imported(weasyprint_first):
    assert rendition(pipeline.process(images.encode(images.noisy(), "PNG")))


@pytest.fixture
def decoders(monkeypatch):
    """The decoders Pillow makes: one per decode of the pixels."""
    made = []
    real = Image._getdecoder

    def counting(*args, **kwargs):
        made.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(Image, "_getdecoder", counting)
    return made


def test_a_png_with_a_capture_date_is_decoded_exactly_once(decoders):
    data = images.encode(
        images.drawing(), "PNG", exif=_exif_with_date("2024:01:02 03:04:05")
    )
    processed = pipeline.process(data)
    assert len(decoders) == 1
    assert processed.captured_at == datetime(2024, 1, 2, 3, 4, 5)


# S12: reading the date used to decode first and swallow the decode's error
def test_a_failed_decode_is_neither_swallowed_nor_tried_again(decoders, monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    with pytest.raises(PhotoRefused, match="damaged"):
        pipeline.process(images.broken_pngs()["idat_stream_cut"])
    assert len(decoders) == 1


# S12: another thread may turn tolerance on while a photo is being decoded
def test_a_decode_during_which_tolerance_was_turned_on_is_done_again(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    real_load = pipeline._load
    loads = []

    def load_while_weasyprint_is_imported(image):
        loads.append(ImageFile.LOAD_TRUNCATED_IMAGES)
        if len(loads) == 1:
            ImageFile.LOAD_TRUNCATED_IMAGES = True
        real_load(image)

    monkeypatch.setattr(pipeline, "_load", load_while_weasyprint_is_imported)
    with pytest.raises(PhotoRefused, match="damaged"):
        pipeline.process(images.truncated_jpeg())
    assert loads == [False, False]  # the second, strict decode decided
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left on for whoever wanted it


def _exif_with_date(taken: str) -> bytes:
    exif = Image.Exif()
    exif[0x0132] = taken
    exif.get_ifd(0x8769)[0x9003] = taken
    return exif.tobytes()


@pytest.mark.parametrize(
    "taken,why",
    [
        ("2099:01:01 10:00:00", "it is in the future"),
        ("1985:06:07 08:09:10", "it is before 1990"),
        ("1970:01:01 00:00:00", "it is before 1990"),
    ],
)
def test_an_implausible_capture_date_is_ignored_and_said(taken, why):
    processed = pipeline.process(images.exif_jpeg(taken=taken))
    assert processed.captured_at is None
    assert processed.notes == [
        f"The camera's date ({taken[:10].replace(':', '-')}) was ignored: {why}."
    ]


def test_a_capture_date_of_today_is_kept():
    now = datetime.now().replace(microsecond=0)
    processed = pipeline.process(images.exif_jpeg(taken=f"{now:%Y:%m:%d %H:%M:%S}"))
    assert processed.captured_at == now and processed.notes == []
