"""Teaching on a phone: de-identify a photo, save it to the library, export the deck."""

import io

import pytest
from PIL import Image
from pptx import Presentation

from audit.models import AccessEvent
from pixiodoc.testing import store_blobs_in
from teaching import deidentify
from teaching.models import TeachingImage
from teaching.services import decrypt_image
from teaching.tests.factories import face_photo

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
}


@pytest.fixture
def blob_root(settings, tmp_path):
    return store_blobs_in(settings, tmp_path / "blobs")


def drag_finger(page, selector, start, end):
    """Draw a box with a finger, from `start` to `end`, each relative (0..1) to the
    element: real touch events through the DevTools protocol, as a phone sends."""
    box = page.locator(selector).bounding_box()

    def at(point):
        return {
            "x": box["x"] + box["width"] * point[0],
            "y": box["y"] + box["height"] * point[1],
        }

    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [at(start)]}
    )
    for step in range(1, 7):
        point = tuple(a + (b - a) * step / 6 for a, b in zip(start, end, strict=True))
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchMove", "touchPoints": [at(point)]},
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


# S13 S30
def test_cover_a_face_save_to_the_library_and_export_the_deck(
    page_for, clinician, blob_root
):
    photo = face_photo(actor=clinician)
    page = page_for(clinician, **PHONE)

    page.goto(photo.get_absolute_url())
    page.get_by_role("link", name="De-identify for teaching").click()
    # The face OpenCV found is offered as a blur box.
    page.locator(".deid-box.deid-blur").wait_for()
    assert page.locator(".deid-box.deid-blur").count() == 1
    assert "1 face found" in page.locator("#deid-status").inner_text()

    # Cover the face (eyes to chin) with a black box of our own too.
    page.get_by_label("Black out").check()
    drag_finger(page, "#deid-stage", (0.25, 0.1), (0.75, 0.95))
    page.locator(".deid-box.deid-black").wait_for()
    assert page.locator(".deid-box.deid-black").count() == 1
    # Without dragging: tap two opposite corners (a blurred box over a "tattoo").
    page.get_by_label("Blur", exact=True).check()
    stage = page.locator("#deid-stage").bounding_box()
    for x, y in ((0.02, 0.02), (0.15, 0.2)):
        page.touchscreen.tap(
            stage["x"] + stage["width"] * x, stage["y"] + stage["height"] * y
        )
    assert page.locator(".deid-box.deid-blur").count() == 2
    page.locator("#id_title").fill("Facial lesion, covered")
    page.get_by_label("…or start a new case titled").fill("Talk on facial lesions")
    page.get_by_role("button", name="Save to the teaching library").click()
    page.wait_for_selector("#teaching-image")

    image = TeachingImage.objects.get()
    saved = decrypt_image(image=image, rendition="display")
    assert deidentify.suggest_faces(saved) == []  # the face is gone
    with Image.open(io.BytesIO(saved), formats=["JPEG"]) as shown:
        centre = shown.getpixel((shown.width // 2, shown.height // 2))
    assert max(centre) < 10  # under the finger-drawn black box
    assert image.source_photo == photo
    added = AccessEvent.objects.get(action="teaching_image_added")
    assert added.details["covers"] == 3  # the face found, the drag, the taps

    page.get_by_role("link", name="Talk on facial lesions").click()
    page.get_by_label("Format").select_option("pptx")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export").click()
    deck = Presentation(str(download.value.path()))
    assert len(deck.slides) == 1
    assert download.value.suggested_filename.endswith(".pptx")
