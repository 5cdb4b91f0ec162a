"""The pixels of a de-identified image: faces suggested, covers, crop, no metadata."""

import io

import pytest
from PIL import Image, ImageStat

from teaching import deidentify
from teaching.deidentify import Box
from teaching.exceptions import TeachingError
from teaching.tests.images import CENTRE, PATIENT_TEXT, SIZE, face_jpeg

METADATA_MARKERS = (b"Exif", b"http://ns.adobe.com/xap", b"ICC_PROFILE", b"\xff\xfe")


def open_jpeg(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data), formats=["JPEG"])
    image.load()
    return image


def test_a_drawn_face_is_suggested_as_a_box_to_cover():
    boxes = deidentify.suggest_faces(face_jpeg())

    assert len(boxes) == 1
    box = boxes[0]
    cx, cy = CENTRE[0] / SIZE[0], CENTRE[1] / SIZE[1]
    assert box.x < cx < box.x + box.w and box.y < cy < box.y + box.h
    assert box.cover == "blur"


def test_a_photo_without_a_face_suggests_nothing():
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (210, 170, 150)).save(out, "JPEG")

    assert deidentify.suggest_faces(out.getvalue()) == []


# S13
def test_the_derived_image_carries_no_metadata_and_no_patient_text():
    source = face_jpeg(with_metadata=True)
    assert PATIENT_TEXT.encode() in source  # the test's premise

    made = deidentify.derive(source, crop=None, covers=[])

    for rendition in ("display", "thumb"):
        data = made[rendition]
        assert PATIENT_TEXT.encode() not in data
        assert b"Teachcase" not in data
        for marker in METADATA_MARKERS:
            assert marker not in data, (rendition, marker)
        image = open_jpeg(data)
        assert not image.getexif()
        assert "icc_profile" not in image.info and "comment" not in image.info


def test_a_black_box_blacks_out_and_a_crop_keeps_only_its_frame():
    covers = [Box(0.0, 0.0, 0.5, 1.0, "black")]
    crop = Box(0.25, 0.0, 0.5, 0.5)

    made = deidentify.derive(face_jpeg(), crop=crop, covers=covers)

    image = open_jpeg(made["display"])
    assert image.size == (320, 240) == (made["width"], made["height"])
    left = ImageStat.Stat(image.crop((0, 0, 150, 240))).mean
    assert max(left) < 8  # the covered half is black, JPEG noise aside
    right = ImageStat.Stat(image.crop((170, 0, 320, 240))).mean
    assert min(right) > 40


def test_blur_leaves_no_detail_of_the_face():
    face_box = deidentify.suggest_faces(face_jpeg())[0]

    made = deidentify.derive(face_jpeg(), crop=None, covers=[face_box])

    covered = open_jpeg(made["display"]).crop(face_box.on(*SIZE)).convert("L")
    original = open_jpeg(face_jpeg()).crop(face_box.on(*SIZE)).convert("L")
    assert ImageStat.Stat(covered).stddev[0] < ImageStat.Stat(original).stddev[0] / 2
    assert deidentify.suggest_faces(made["display"]) == []


@pytest.mark.parametrize(
    "raw",
    [
        {"boxes": [{"x": 2, "y": 0, "w": 0.1, "h": 0.1, "cover": "black"}]},
        {"boxes": [{"x": 0, "y": 0, "w": 0.001, "h": 0.5, "cover": "black"}]},
        {"boxes": [{"x": 0, "y": 0, "w": 0.5, "h": 0.5, "cover": "paint"}]},
        {"boxes": ["not a box"]},
        {"boxes": [{"x": 0, "y": 0, "w": 0.1, "h": 0.1}] * 51},
        [],
    ],
)
def test_boxes_from_the_browser_are_checked(raw):
    with pytest.raises(TeachingError):
        deidentify.clean_edits(raw)


def test_a_box_across_the_edge_is_clipped_to_the_photo():
    crop, covers = deidentify.clean_edits(
        {
            "crop": None,
            "boxes": [{"x": -0.2, "y": 0.9, "w": 0.5, "h": 0.5, "cover": "blur"}],
        }
    )

    assert crop is None
    assert covers == [Box(0.0, 0.9, 0.3, 0.1, "blur")]
