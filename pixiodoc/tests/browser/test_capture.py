"""Phone capture in Chromium with a fake camera: the taps of the journey, counted (issue 12).

A separate browser (conftest's `camera_browser`): Chromium's fake camera needs
launch flags the shared browser does not carry. Every tap of the journey goes through `Taps`, and the test asserts
the count: at most 4 from the timeline, at most 6 from the landing page, with no
typing (the landing page lists recent patients). Screenshots go to var/shots/.
"""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from imaging.models import Photo
from imaging.testing import readable_blobs
from imaging.tests import images
from imaging.tests.factories import allow_capture, make_photo
from patients.tests.factories import make_patient, make_visit
from pixiodoc.testing import sign_in, store_blobs_in

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
SHOTS = Path(settings.BASE_DIR) / "var" / "shots"


class Taps:
    """Every tap of a journey goes through here, so the test can count them."""

    def __init__(self):
        self.log: list[str] = []

    def tap(self, locator, why: str):
        locator.tap()
        self.log.append(why)

    def __len__(self):
        return len(self.log)


@pytest.fixture
def blob_root(settings, tmp_path):
    root = store_blobs_in(settings, tmp_path / "blobs")
    yield root
    assert readable_blobs(root) == []  # S16


@pytest.fixture
def open_as(live_server, camera_browser):
    """open_as(member, **context) -> a signed-in page in the fake-camera browser."""
    contexts = []

    def open_page(member, *, without_camera=False, **context_args):
        client = sign_in(Client(), member)
        context = camera_browser.new_context(base_url=live_server.url, **context_args)
        contexts.append(context)
        context.grant_permissions(["camera"])
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        if without_camera:
            # A browser without getUserMedia (an old WebView): the fallback path.
            context.add_init_script(
                "Object.defineProperty(navigator, 'mediaDevices', {value: undefined});"
            )
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def patient_with_a_photo(clinician, **names):
    """A patient seen before: one knee photo on the left, on an earlier visit."""
    patient = make_patient(actor=clinician, **names)
    allow_capture(patient, clinician)
    visit = make_visit(actor=clinician, patient=patient, visit_on=date(2026, 1, 5))
    make_photo(actor=clinician, visit=visit, body_region="knee", laterality="left")
    return patient


def shoot_and_finish(page, taps):
    """On the camera page: one shot, wait until it is stored, then Done."""
    expect(page.locator("#capture[data-camera=ready]")).to_be_attached()
    taps.tap(page.get_by_role("button", name="Take photo"), "shutter")
    expect(page.locator("#capture-strip li[data-state=stored]")).to_have_count(1)
    taps.tap(page.get_by_role("link", name="Done"), "done")
    page.wait_for_url("**/patients/**?new=**")


def assert_stored_today(patient, page):
    photo = Photo.objects.filter(patient=patient).latest("created_at")
    assert (photo.body_region, photo.laterality, photo.source) == (
        "knee",
        "left",
        "camera",
    )
    assert photo.visit.visit_on == timezone.localdate()
    expect(page.locator(".thumbs li.is-new")).to_have_count(1)
    expect(page.locator(f"#visit-{photo.visit.uuid} .is-new")).to_have_count(1)
    return photo


def test_capture_from_the_timeline_in_at_most_four_taps(open_as, clinician, blob_root):
    patient = patient_with_a_photo(clinician)
    page = open_as(clinician, **PHONE)
    console = []
    page.on("console", lambda message: console.append(message.text))
    taps = Taps()
    page.goto(patient.get_absolute_url())

    taps.tap(page.get_by_role("button", name="Take photos"), "take photos")
    # Full screen, rear camera, last region and side preselected, ghost shown.
    expect(page.locator("#capture-region")).to_have_value("knee")
    expect(page.get_by_role("radio", name="Left")).to_be_checked()
    expect(page.locator("#capture-ghost")).to_be_visible()
    page.get_by_label("Overlay").fill("60")
    assert page.locator("#capture-ghost").evaluate("g => g.style.opacity") == "0.6"
    box = page.locator("#capture").bounding_box()
    assert (box["width"], box["height"]) == (390, 844)
    shoot_and_finish(page, taps)

    assert_stored_today(patient, page)
    assert len(taps) <= 4, taps.log
    assert len(taps) == 3, taps.log
    # S35: everything ran under the strict CSP, nothing was refused.
    assert not [m for m in console if "Content Security Policy" in m], console


def test_a_patients_first_photo_asks_region_and_side_in_one_tap(
    open_as, clinician, blob_root
):
    # Nothing to preselect: region and side, two facts only the photographer
    # knows, are one tap together ("Left knee").
    patient = make_patient(actor=clinician)
    allow_capture(patient, clinician)
    page = open_as(clinician, **PHONE)
    taps = Taps()
    page.goto(patient.get_absolute_url())
    taps.tap(page.get_by_role("button", name="Take photos"), "take photos")
    expect(page.get_by_text("Where is the photo?")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "capture-first-photo-390.png"))
    # Large touch targets, even for the smallest site buttons.
    sizes = page.locator("#capture-sheet button").evaluate_all(
        "bs => bs.map(b => Math.min(b.offsetWidth, b.offsetHeight))"
    )
    assert len(sizes) == 44 and min(sizes) >= 44, sizes
    expect(page.get_by_role("button", name="Face", exact=True)).to_be_visible()
    taps.tap(page.get_by_role("button", name="Left knee", exact=True), "site")
    expect(page.locator("#capture-sheet")).to_be_hidden()
    expect(page.locator("#capture-region")).to_have_value("knee")
    expect(page.get_by_role("radio", name="Left")).to_be_checked()
    shoot_and_finish(page, taps)
    assert_stored_today(patient, page)
    assert len(taps) <= 4, taps.log
    assert len(taps) == 4, taps.log


def test_capture_from_the_landing_page_with_no_typing(open_as, clinician, blob_root):
    patient = patient_with_a_photo(clinician, given_name="Tapping", family_name="Test")
    make_patient(actor=clinician, given_name="Other", family_name="Person")
    page = open_as(clinician, **PHONE)
    console = []
    page.on("console", lambda message: console.append(message.text))
    taps = Taps()
    page.goto("/")

    # The landing page lists recent patients, each one tap from the camera.
    taps.tap(page.get_by_role("button", name="Take photos of Tapping Test"), "patient")
    expect(page.locator("#capture-region")).to_have_value("knee")
    shoot_and_finish(page, taps)

    assert_stored_today(patient, page)
    assert len(taps) <= 6, taps.log
    assert len(taps) == 3, taps.log
    assert not [m for m in console if "Content Security Policy" in m], console


def test_a_first_photo_from_the_landing_page_in_four_taps(
    open_as, clinician, blob_root
):
    patient = make_patient(actor=clinician, given_name="First", family_name="Photo")
    allow_capture(patient, clinician)
    page = open_as(clinician, **PHONE)
    taps = Taps()
    page.goto("/")
    taps.tap(page.get_by_role("button", name="Take photos of First Photo"), "patient")
    taps.tap(page.get_by_role("button", name="Left knee", exact=True), "site")
    shoot_and_finish(page, taps)
    assert_stored_today(patient, page)
    assert len(taps) == 4, taps.log


def test_the_landing_page_search_still_finds_a_patient(open_as, clinician):
    # Patients not among the recent ones: the search is on the landing page.
    patient = make_patient(actor=clinician, given_name="Found", family_name="Later")
    page = open_as(clinician, **PHONE)
    page.goto("/")
    page.get_by_label("Search by name, record number or date of birth").fill(
        patient.record_number
    )
    page.get_by_role("button", name="Search").tap()
    page.get_by_role("link", name="Later, Found").tap()
    page.wait_for_url(f"**{patient.get_absolute_url()}")


def test_shots_upload_in_the_background_and_a_refusal_can_be_retried(
    open_as, clinician, blob_root
):
    patient = patient_with_a_photo(clinician)
    page = open_as(clinician, **PHONE)
    page.goto(patient.get_absolute_url())
    page.get_by_role("button", name="Take photos").tap()
    expect(page.locator("#capture[data-camera=ready]")).to_be_attached()

    # The network drops for one shot: it is refused with its reason, kept, and
    # sent again by Retry without shooting again.
    page.route("**/upload/", lambda route: route.abort())
    page.get_by_role("button", name="Take photo").tap()
    refused = page.locator("#capture-strip li[data-state=refused]")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("connection dropped")
    page.unroute("**/upload/")
    # Shooting goes on meanwhile; both end up stored.
    page.get_by_role("button", name="Take photo").tap()
    page.get_by_role("button", name="Retry shot 1").tap()
    expect(page.locator("#capture-strip li[data-state=stored]")).to_have_count(2)
    assert Photo.objects.filter(patient=patient, source="camera").count() == 2
    expect(page.get_by_role("link", name="Done")).to_contain_text("2")


def test_without_get_user_media_the_shutter_is_the_phones_camera(
    open_as, clinician, blob_root
):
    patient = patient_with_a_photo(clinician)
    page = open_as(clinician, without_camera=True, **PHONE)
    taps = Taps()
    page.goto(patient.get_absolute_url())
    taps.tap(page.get_by_role("button", name="Take photos"), "take photos")
    expect(page.locator("#capture[data-camera=fallback]")).to_be_attached()
    # One shutter: the file input (under its label), no second camera button.
    expect(page.locator("#capture-shutter")).to_be_hidden()
    expect(page.get_by_role("button", name="Take photo")).to_have_count(1)
    shutter = page.locator("label[for=capture-file]")
    expect(shutter).to_be_visible()
    capture = page.locator("#capture-file")
    assert capture.get_attribute("capture") == "environment"
    assert capture.get_attribute("accept") == "image/*"
    with page.expect_file_chooser() as chooser:
        taps.tap(shutter, "shutter")
    chooser.value.set_files(
        {
            "name": "camera.jpg",
            "mimeType": "image/jpeg",
            "buffer": images.exif_jpeg(orientation=6),
        }
    )
    expect(page.locator("#capture-strip li[data-state=stored]")).to_have_count(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "capture-fallback-390.png"))
    taps.tap(page.get_by_role("link", name="Done"), "done")
    page.wait_for_url("**?new=**")
    photo = assert_stored_today(patient, page)
    assert (photo.width, photo.height) == (300, 600)  # EXIF orientation applied
    assert len(taps) == 3, taps.log


def test_without_consent_the_camera_is_not_offered(open_as, clinician, blob_root):
    patient = make_patient(actor=clinician)
    page = open_as(clinician, **PHONE)
    page.goto(patient.get_absolute_url())
    expect(page.get_by_role("button", name="Take photos")).to_have_count(0)
    page.get_by_role("link", name="Record consent before taking photos").tap()
    page.wait_for_url(f"**/consent/patients/{patient.uuid}/record/")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_camera_page_screenshots(open_as, clinician, blob_root, size):
    patient = patient_with_a_photo(clinician, given_name="Screen", family_name="Shot")
    page = open_as(clinician, **(PHONE if size == "phone" else DESKTOP))
    page.goto(patient.get_absolute_url())
    page.get_by_role("button", name="Take photos").click()
    expect(page.locator("#capture[data-camera=ready]")).to_be_attached()
    page.get_by_role("button", name="Take photo").click()
    expect(page.locator("#capture-strip li[data-state=stored]")).to_have_count(1)
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = 390 if size == "phone" else 1440
    page.screenshot(path=str(SHOTS / f"capture-{width}.png"))
    # Back on the timeline, the new photo is marked.
    page.get_by_role("link", name="Done").click()
    page.wait_for_url("**?new=**")
    expect(page.locator(".thumbs li.is-new")).to_have_count(1)
    page.screenshot(path=str(SHOTS / f"capture-done-{width}.png"), full_page=True)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_landing_page_and_first_photo_picker_screenshots(
    open_as, clinician, blob_root, size
):
    patient_with_a_photo(clinician, given_name="Seen", family_name="Before")
    first = make_patient(actor=clinician, given_name="Brand", family_name="New")
    allow_capture(first, clinician)
    make_patient(actor=clinician, given_name="No", family_name="Consent")
    page = open_as(clinician, **(PHONE if size == "phone" else DESKTOP))
    width = 390 if size == "phone" else 1440
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto("/")
    expect(
        page.get_by_role("link", name="Record consent of No Consent")
    ).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 1
    page.screenshot(path=str(SHOTS / f"home-{width}.png"), full_page=True)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 1
    page.screenshot(path=str(SHOTS / f"home-{width}-large-text.png"), full_page=True)
    page.evaluate("document.documentElement.style.fontSize = ''")
    page.get_by_role("button", name="Take photos of Brand New").click()
    expect(page.get_by_text("Where is the photo?")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 1
    page.screenshot(path=str(SHOTS / f"capture-picker-{width}.png"))
    # Large text (the phone's text size at 200%): still no sideways scroll, and
    # every site stays a large target.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 1
    sizes = page.locator("#capture-sheet button").evaluate_all(
        "bs => bs.map(b => Math.min(b.offsetWidth, b.offsetHeight))"
    )
    assert min(sizes) >= 44, sizes
    page.screenshot(path=str(SHOTS / f"capture-picker-{width}-large-text.png"))
