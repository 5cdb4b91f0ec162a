"""Follow-up photos from the patient's phone, end to end (issue 15 point 3).

The patient's phone is Chromium with the fake camera (conftest's `camera_browser`)
at 390x844; staff use the shared browser. Screenshots of the patient's camera
page and of the tray go to /tmp/homecap-shots/ (looked at by a person, nothing
asserted on them).
"""

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consent.checks import has_consent
from consent.tests.factories import make_consent
from imaging.models import Photo, TrayPhoto
from imaging.testing import readable_blobs
from imaging.tests.factories import make_photo
from patients.lifecycle.models import ErasureRequest
from patients.tests.factories import make_patient, make_visit
from pixiodoc.testing import store_blobs_in

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
SHOTS = Path("/tmp/homecap-shots")


@pytest.fixture
def blob_root(settings, tmp_path):
    root = store_blobs_in(settings, tmp_path / "blobs")
    yield root
    assert readable_blobs(root) == []  # S16: nothing readable on disk


@pytest.fixture
def phone(live_server, camera_browser):
    context = camera_browser.new_context(base_url=live_server.url, **PHONE)
    context.grant_permissions(["camera"])
    yield context.new_page()
    context.close()


def make_the_link(staff, patient) -> str:
    """From the timeline: photos of the left knee (two) and the consents."""
    staff.goto(f"/patients/{patient.uuid}/")
    staff.get_by_role("link", name="Send the patient a link").click()
    staff.get_by_label("Send follow-up photos from home").check()
    staff.get_by_label("Knee", exact=True).check()
    staff.get_by_label("How many photos").fill("2")
    staff.get_by_label("Note to the patient").fill("Please photograph the scar.")
    staff.get_by_label("See and withdraw their consents").check()
    staff.get_by_role("button", name="Make the link").click()
    expect(staff.get_by_role("heading", name="Patient link made")).to_be_visible()
    return staff.locator("#patient-link-url").input_value()


def take_two_photos(phone):
    expect(phone.locator("#capture[data-camera=ready]")).to_be_attached()
    phone.locator(".capture-sides label", has_text="Left").tap()
    # The practice's last photo of the left knee, watermarked, as the ghost.
    ghost = phone.locator("#capture-ghost")
    expect(ghost).to_be_visible()
    assert "/photos/ghost/" in ghost.get_attribute("src")
    phone.wait_for_function(
        "() => { const g = document.getElementById('capture-ghost');"
        " return g.complete && g.naturalWidth > 0; }",
        timeout=10_000,
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "patient-capture-ghost-390x844.png"))
    box = phone.locator("#capture").bounding_box()
    assert (box["width"], box["height"]) == (390, 844)  # full screen
    shutter = phone.get_by_role("button", name="Take photo")
    shutter.tap()
    expect(phone.locator("#capture-strip li[data-state=stored]")).to_have_count(1)
    # The front camera too, for a photo the patient takes of themselves.
    phone.get_by_role("button", name="Switch camera").tap()
    expect(phone.locator("#capture[data-camera=ready]")).to_be_attached()
    shutter.tap()
    expect(phone.locator("#capture-strip li[data-state=stored]")).to_have_count(2)
    expect(phone.locator("#capture")).to_have_attribute("data-full", "yes")
    expect(phone.get_by_role("status")).to_contain_text("every photo")
    phone.screenshot(path=str(SHOTS / "patient-capture-390x844.png"))
    phone.get_by_role("link", name="Done").tap()
    expect(
        phone.get_by_text("The practice has every photo it asked for")
    ).to_be_visible()


# S16 S23 S30
def test_photos_from_home_reach_the_tray_then_a_visit_or_erasure(
    page_for, phone, live_server, clinician, blob_root
):
    patient = make_patient(
        actor=clinician,
        given_name="Homer",
        family_name="Capture",
        email="homer@example.org",
    )
    make_consent(patient=patient, witness=clinician, granted=["treatment", "teaching"])
    earlier = make_visit(actor=clinician, patient=patient, visit_on=date(2026, 1, 5))
    make_photo(actor=clinician, visit=earlier, body_region="knee", laterality="left")
    staff = page_for(clinician, **PHONE)
    console = []
    phone.on("console", lambda message: console.append(message.text))

    url = make_the_link(staff, patient)

    # The patient: identity check, then the camera with the ghost, two photos.
    phone.goto(url)
    phone.get_by_label("Your date of birth").fill("1980-12-10")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_text("Please photograph the scar.")).to_be_visible()
    phone.get_by_role("link", name="Take the photos").tap()
    take_two_photos(phone)
    waiting = list(TrayPhoto.objects.filter(patient=patient, state="waiting"))
    assert len(waiting) == 2
    assert not Photo.objects.filter(patient=patient, source="patient").exists()

    # Staff: the tray on the timeline, one accepted onto a new visit, one rejected.
    staff.goto(f"/patients/{patient.uuid}/")
    tray = staff.locator("#from-the-patient")
    expect(tray.get_by_role("heading", name="From the patient")).to_be_visible()
    expect(tray.locator(".tray-item")).to_have_count(2)
    expect(tray.locator("img").first).to_have_js_property("complete", True)
    tray.scroll_into_view_if_needed()
    staff.screenshot(path=str(SHOTS / "tray-390x844.png"))
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    first = tray.locator(".tray-item").first
    first.get_by_role("button", name="Accept onto the visit").click()
    expect(staff.get_by_role("status").first).to_contain_text("on the visit now")
    staff.locator("#from-the-patient").get_by_role("link", name="Reject").click()
    staff.get_by_role("button", name="Reject and erase").click()
    expect(staff.get_by_role("status").first).to_contain_text("erased for good")
    expect(staff.locator("#from-the-patient")).to_have_count(0)

    accepted = Photo.objects.get(patient=patient, source="patient")
    assert accepted.visit.visit_on == timezone.localdate()
    rejected = TrayPhoto.objects.get(patient=patient, state="rejected")
    assert rejected.sealed_key is None and rejected.blob_names() == []

    # The patient withdraws teaching, then asks for erasure: the link closes.
    phone.goto(url)
    phone.locator("a[href$='/withdraw/teaching/']").tap()
    phone.get_by_role("button", name="Withdraw my consent").tap()
    expect(phone.get_by_role("status")).to_contain_text("Your consent is withdrawn")
    assert not has_consent(patient, "teaching")
    phone.get_by_role("link", name="Ask for my record to be erased").tap()
    phone.get_by_role("button", name="Ask for erasure").tap()
    expect(phone.get_by_role("heading", name="Your request is with")).to_be_visible()
    assert ErasureRequest.objects.filter(patient=patient, status="pending").exists()
    assert phone.goto(url).status == 404
    assert phone.goto(url + "photos/").status == 404
    # S35: everything ran under the strict CSP.
    assert not [m for m in console if "Content Security Policy" in m], console
