import hashlib
import io

import pytest
from PIL import Image

from imaging import pipeline
from imaging.exceptions import PhotoRefused
from imaging.tests import images


def rendition(processed, name="original") -> Image.Image:
    return images.open_image(processed.renditions[name])


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


def test_greyscale_stays_greyscale():
    assert rendition(pipeline.process(images.greyscale_jpeg())).mode == "L"


def test_cmyk_is_converted_to_rgb():
    image = rendition(pipeline.process(images.cmyk_jpeg()))
    assert image.mode == "RGB"


def test_a_wide_gamut_profile_is_kept():
    data = images.wide_gamut_jpeg()  # the profile carries its creation time: make once
    source_profile = Image.open(io.BytesIO(data)).info["icc_profile"]
    processed = pipeline.process(data)
    for name in ("thumb", "display", "original"):
        image = rendition(processed, name)
        assert image.info.get("icc_profile") == source_profile


def test_transparency_is_flattened_on_white():
    image = rendition(pipeline.process(images.rgba_png()))
    assert image.mode == "RGB"
    r, g, b = image.getpixel((5, 5))
    assert min(r, g, b) > 200
