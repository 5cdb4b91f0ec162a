"""Photos end to end in Chromium: upload, timeline, compare, annotate, delete (S11-S16)."""

import json
from datetime import date

import pytest

from imaging.models import Annotation, Photo
from imaging.testing import readable_blobs
from imaging.tests import images
from imaging.tests.factories import allow_capture
from patients.tests.factories import make_patient, make_visit
from pixiodoc.testing import store_blobs_in


@pytest.fixture
def blob_root(settings, tmp_path):
    return store_blobs_in(settings, tmp_path / "blobs")


def jpeg_file(name, data, mime="image/jpeg"):
    return {"name": name, "mimeType": mime, "buffer": data}


def loaded_images(page, selector):
    return page.eval_on_selector_all(
        selector, "els => els.filter(e => e.complete && e.naturalWidth > 0).length"
    )


# S11 S12 S13 S15 S16
def test_upload_timeline_compare_annotate_delete(page_for, clinician, blob_root):
    patient = make_patient(actor=clinician)
    allow_capture(patient, clinician)
    first = make_visit(actor=clinician, patient=patient, visit_on=date(2026, 1, 5))
    second = make_visit(actor=clinician, patient=patient, visit_on=date(2026, 2, 5))
    page = page_for(clinician)

    # Upload three files on the first visit: one is corrupt.
    page.goto(f"/photos/visits/{first.uuid}/add/")
    page.get_by_label("Body region").select_option("knee")
    page.locator("#photo-files").set_input_files(
        [
            jpeg_file("good-one.jpg", images.jpeg((800, 600))),
            jpeg_file("broken.jpg", images.truncated_jpeg()),
            jpeg_file("good-two.png", images.png((640, 480)), "image/png"),
        ]
    )
    queue = page.locator("#queue li")
    # (No wait_for_function: the strict CSP forbids evaluating strings.)
    page.locator("#queue li.ok, #queue li.refused").nth(2).wait_for()
    verdicts = {
        queue.nth(i).locator(".name").inner_text(): queue.nth(i)
        .locator(".verdict")
        .inner_text()
        for i in range(3)
    }
    assert verdicts["good-one.jpg"] == "Stored"
    assert verdicts["good-two.png"] == "Stored"
    assert verdicts["broken.jpg"].startswith(
        "Refused: The file is incomplete or damaged"
    )
    assert page.locator("#queue progress").count() == 3

    # One more on the second visit, so there is a later photo to compare.
    page.goto(f"/photos/visits/{second.uuid}/add/")
    page.get_by_label("Body region").select_option("knee")
    page.locator("#photo-files").set_input_files(
        [jpeg_file("later.jpg", images.jpeg((800, 600)))]
    )
    page.wait_for_selector("#queue li.ok")
    assert Photo.objects.filter(patient=patient).count() == 3

    # The timeline shows them per visit, thumbnails decrypted and displayed.
    page.goto(f"/patients/{patient.uuid}/")
    page.wait_for_load_state("networkidle")
    assert page.locator(f"#visit-{first.uuid} .thumbs img").count() == 2
    assert page.locator(f"#visit-{second.uuid} .thumbs img").count() == 1
    assert loaded_images(page, ".thumbs img") == 3

    # Filtering narrows the timeline itself: no hand photos, so no visit shows.
    page.locator("summary", has_text="Filter photos").click()  # folded until used
    page.get_by_label("Body region").select_option("hand")
    page.get_by_role("button", name="Filter photos").click()
    page.get_by_role("link", name="Clear the filter").wait_for()
    assert "region=hand" in page.url
    assert not page.locator(f"#visit-{first.uuid}").is_visible()
    assert page.locator(".thumbs img").count() == 0
    page.get_by_label("Body region").select_option("knee")
    page.get_by_role("button", name="Filter photos").click()
    page.wait_for_url("**region=knee**")
    page.wait_for_load_state("networkidle")
    assert page.locator(f"#visit-{first.uuid}").is_visible()
    assert loaded_images(page, ".thumbs img") == 3

    # Compare: defaults to the first and latest photo of the region; overlay slider.
    page.get_by_role("link", name="Compare photos").first.click()
    page.get_by_label("Overlay with slider").check()
    page.wait_for_selector("#overlay-slider")
    page.wait_for_load_state("networkidle")
    assert loaded_images(page, "#overlay-compare img") == 2
    page.locator("#overlay-slider").fill("20")
    clip = page.eval_on_selector("#overlay-top", "e => e.style.clipPath")
    assert clip == "inset(0px 0px 0px 20%)"
    # Earlier on the left of the divider (under the later one), later on its right.
    layers = page.locator("#overlay-compare img")
    assert layers.nth(0).get_attribute("alt").startswith("Earlier: Knee")
    assert layers.nth(1).get_attribute("alt").startswith("Later: Knee")
    earlier_end = page.locator(".overlay-end-earlier").bounding_box()
    later_end = page.locator(".overlay-end-later").bounding_box()
    assert earlier_end["x"] < later_end["x"]

    # Annotate one: draw an arrow, save; the pixels stay as they were.
    photo = Photo.objects.filter(patient=patient).order_by("created_at").first()
    before = {n: (blob_root / n).read_bytes() for n in photo.blob_names()}
    page.goto(f"/photos/{photo.uuid}/")
    page.wait_for_load_state("networkidle")
    box = page.locator("#marks").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(
        box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6, steps=5
    )
    page.mouse.up()
    assert page.locator("#marks line").count() == 1
    # Leaving with unsaved marks asks first; staying keeps them (issue 12).
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    # The key press returns once the dialog is answered, so `asked` is filled by then.
    page.once("dialog", stay)
    page.keyboard.press("ArrowRight")
    assert asked == ["beforeunload"]
    assert str(photo.uuid) in page.url and page.locator("#marks line").count() == 1
    page.get_by_role("button", name="Save annotations").click()
    page.get_by_text("Annotations saved.").wait_for()
    shapes = json.loads(Annotation.objects.get(photo=photo).shapes)
    assert [s["kind"] for s in shapes] == ["arrow"]
    assert 0.15 < shapes[0]["x1"] < 0.25 and 0.55 < shapes[0]["x2"] < 0.65
    assert before == {n: (blob_root / n).read_bytes() for n in photo.blob_names()}
    page.get_by_label("Show annotations").uncheck()
    assert not page.locator("#marks").is_visible()

    # Keyboard: the right arrow goes to the next photo.
    page.keyboard.press("ArrowRight")
    page.wait_for_url(lambda url: str(photo.uuid) not in url)

    # Delete one with a reason: gone from the timeline at once.
    page.goto(f"/photos/{photo.uuid}/delete/")
    page.get_by_role("button", name="Delete photo").click()
    reason = page.get_by_label("Why is this photo deleted?")
    assert reason.evaluate("e => e.validity.valueMissing")  # the reason is required
    assert Photo.objects.get(pk=photo.pk).deleted_at is None
    reason.fill("Blurred; retaken")
    page.get_by_role("button", name="Delete photo").click()
    page.get_by_text("Photo deleted.").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.locator(".thumbs img").count() == 2
    assert loaded_images(page, ".thumbs img") == 2
    photo.refresh_from_db()
    assert photo.deleted_at is not None

    # S16: nothing stored is a readable image, whatever happened above.
    assert readable_blobs(blob_root) == []
