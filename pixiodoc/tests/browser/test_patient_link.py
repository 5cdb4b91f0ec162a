"""A patient's own link end to end on a phone (issue 15)."""

import pytest
from playwright.sync_api import expect

from consent.checks import has_consent
from consent.tests.factories import make_consent
from patients.lifecycle.models import ErasureRequest
from patients.tests.factories import make_patient
from pixiodoc.testing import store_blobs_in

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True}


@pytest.fixture(autouse=True)
def blob_root(settings, tmp_path):
    store_blobs_in(settings, tmp_path)


# S23 S24 S25 S30
def test_a_patient_withdraws_teaching_then_asks_for_erasure_which_closes_the_link(
    page_for, new_context, live_server, clinician
):
    patient = make_patient(
        actor=clinician,
        given_name="Linked",
        family_name="Patient",
        email="linked@example.org",
    )
    make_consent(patient=patient, witness=clinician, granted=["treatment", "teaching"])

    # The clinician makes the link from the timeline: shown once, with a QR code.
    staff = page_for(clinician)
    staff.goto(f"/patients/{patient.uuid}/")
    staff.get_by_role("link", name="Send the patient a link").click()
    staff.get_by_label("See and withdraw their consents").check()
    staff.get_by_role("button", name="Make the link").click()
    expect(staff.get_by_role("heading", name="Patient link made")).to_be_visible()
    expect(staff.locator(".patient-link-qr svg")).to_be_visible()
    url = staff.locator("#patient-link-url").input_value()
    assert url.startswith(live_server.url + "/p/")

    # The patient's phone: one wrong date of birth, then the right one.
    phone = new_context(**PHONE).new_page()
    phone.goto(url)
    assert "Linked" not in phone.content()  # nothing of the patient before the check
    phone.get_by_label("Your date of birth").fill("1980-12-11")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("alert")).to_contain_text("do not match")
    phone.get_by_label("Your date of birth").fill("1980-12-10")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", name="Your consents")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on a small phone

    # Withdraw teaching, with one confirmation.
    phone.locator("a[href$='/withdraw/teaching/']").click()
    phone.get_by_role("button", name="Withdraw my consent").click()
    expect(phone.get_by_role("status")).to_contain_text("Your consent is withdrawn")
    assert not has_consent(patient, "teaching")

    # Ask for erasure: the request is filed and the link closes at once.
    phone.get_by_role("link", name="Ask for my record to be erased").click()
    phone.get_by_role("button", name="Ask for erasure").click()
    expect(phone.get_by_role("heading", name="Your request is with")).to_be_visible()
    assert ErasureRequest.objects.filter(patient=patient, status="pending").exists()
    response = phone.goto(url)
    assert response.status == 404
    expect(phone.get_by_label("Your date of birth")).to_have_count(0)
