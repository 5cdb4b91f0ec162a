"""A share link end to end in a real browser (issue 6, item 9)."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from consent.tests.factories import make_consent
from imaging.tests.factories import make_photo
from patients.tests.factories import make_patient
from pixiodoc.testing import store_blobs_in
from sharing.models import ShareLink


@pytest.fixture(autouse=True)
def blob_root(settings, tmp_path):
    store_blobs_in(settings, tmp_path)


# S21 S23 S24 S25
def test_a_colleague_opens_a_passcode_link_until_it_is_revoked(
    page_for, new_context, live_server, clinician
):
    patient = make_patient(actor=clinician, given_name="Browsed", family_name="Sharer")
    make_consent(
        patient=patient, witness=clinician, granted=["treatment", "second_opinion"]
    )
    photo = make_photo(actor=clinician, patient=patient)

    # The clinician creates the link from the timeline, with a passcode.
    sender = page_for(clinician)
    sender.goto(f"/patients/{patient.uuid}/")
    sender.get_by_role("link", name="Share photos for a second opinion").click()
    sender.locator(f"#pick-{photo.uuid}").check()
    sender.get_by_label("Recipient's name").fill("Dr Meredith Grey")
    sender.get_by_label("Recipient's e-mail address").fill("grey@example.org")
    sender.get_by_label("Message").fill("Is this healing as expected?")
    sender.get_by_label("Protect with a passcode").check()
    sender.get_by_role("button", name="Create link and e-mail it").click()
    expect(sender.get_by_role("heading", name="Link created")).to_be_visible()
    url = sender.locator("#share-url").input_value()
    passcode = sender.locator("#share-passcode").input_value()
    assert url.startswith(live_server.url + "/s/") and len(passcode) >= 10

    # A fresh browser, signed in as nobody: one wrong passcode, then the right one.
    # S23: the form again, with the tries left before the lock.
    recipient = new_context().new_page()
    recipient.goto(url)
    recipient.get_by_label("Passcode").fill("WRONG-CODE")
    recipient.get_by_role("button", name="Open").click()
    expect(recipient.get_by_role("alert")).to_contain_text(
        "4 tries left before the link locks"
    )
    expect(recipient.get_by_label("Passcode")).to_have_value("")
    recipient.get_by_label("Passcode").fill(passcode)
    recipient.get_by_role("button", name="Open").click()
    expect(recipient.get_by_text("Is this healing as expected?")).to_be_visible()
    assert "Sharer" not in recipient.content()  # name not ticked: not shown

    image = recipient.locator(".shared-photos img").first
    expect(image).to_be_visible()
    recipient.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    served = recipient.context.request.get(image.evaluate("img => img.src"))
    assert served.status == 200
    assert served.headers["referrer-policy"] == "no-referrer"
    pixels = Image.open(io.BytesIO(served.body()))
    # The watermark band: the foot of the served copy is black, the photo's is not.
    foot = pixels.convert("RGB").getpixel((pixels.width - 2, pixels.height - 2))
    assert max(foot) < 40, foot

    # The clinician revokes; the recipient's reload shows the neutral page.
    link = ShareLink.objects.get(patient=patient)
    sender.goto(f"/shares/{link.uuid}/")
    sender.get_by_role("link", name="Revoke now").click()
    # A confirmation names the patient first; only its button revokes.
    expect(sender.locator(".confirm .who-is")).to_contain_text(patient.record_number)
    sender.get_by_role("button", name="Revoke the link").click()
    expect(sender.get_by_text("Closed: Revoked")).to_be_visible()
    recipient.reload()
    expect(
        recipient.get_by_role("heading", name="This link is not available")
    ).to_be_visible()
