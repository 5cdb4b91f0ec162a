"""A newcomer's first day in a real browser: sign in, enrol 2FA, add and find a patient,
open the timeline, sign out and be refused afterwards (S1, DESIGN.md §9).
Also the idle warning (S4) appearing before the automatic sign-out.
"""

import base64
import re

from django_otp.oath import totp
from playwright.sync_api import expect

from pixiodoc.accounts.models import Member, User
from pixiodoc.testing import PASSWORD


def _code(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return str(totp(key, step=30, digits=6)).zfill(6)


def test_a_new_member_signs_in_enrols_works_and_signs_out(live_server, page, practice):
    user = User.objects.create_user("first.day@test.example", PASSWORD, full_name="F D")
    Member.objects.create(user=user, practice=practice, role="clinician")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    # Enrolment: the QR code is an inline SVG, the secret is text in <code>.
    expect(
        page.get_by_role("heading", name="Set up your authenticator")
    ).to_be_visible()
    assert page.locator(".qr svg").count() == 1
    secret = page.locator("code#otp-secret").inner_text()
    code_field = page.get_by_label(re.compile("Code from your authenticator app"))
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    code_field.fill(_code(secret))
    page.get_by_role("button", name="Verify").click()

    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    assert page.locator("#backup-codes li").count() == 10
    page.get_by_role("link", name=re.compile("I have kept my codes")).click()

    # One practice: straight to the patient list.
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    page.get_by_role("link", name="Add patient").click()
    page.get_by_label("Given name").fill("Browsertest")
    page.get_by_label("Family name").fill("Zyxwvut")
    page.get_by_label("Date of birth").fill("1984-03-09")
    page.get_by_label("Record number").fill("BR-0001")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Browsertest Zyxwvut")).to_be_visible()

    page.goto(f"{live_server.url}/patients/")
    page.get_by_label(re.compile("Search by name")).fill("zyxwvut")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Zyxwvut, Browsertest").click()
    expect(page.get_by_role("heading", name="Browsertest Zyxwvut")).to_be_visible()
    assert re.search(r"/patients/[0-9a-f-]{36}/$", page.url)
    timeline_url = page.url

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto(timeline_url)
    assert "/accounts/login/" in page.url
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert "Zyxwvut" not in page.content()


# S4
def test_the_idle_warning_appears_before_sign_out_and_stay_keeps_the_session(
    page_for, clinician
):
    page = page_for(clinician)
    page.clock.install()
    page.goto("/patients/")
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()
    page.clock.fast_forward("12:00")
    expect(warning).to_be_hidden()
    page.clock.fast_forward("01:30")  # 13.5 minutes idle: 1.5 left
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("signed out in")
    with page.expect_response("**/accounts/keep-alive/") as response:
        page.get_by_role("button", name="Stay signed in").click()
    assert response.value.status == 200
    expect(warning).to_be_hidden()
