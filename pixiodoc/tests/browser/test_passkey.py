"""Sign-in on a phone with a passkey (issue 12 §6): Chromium's virtual authenticator
stands in for the phone's face or fingerprint sensor, through the real
navigator.credentials calls of static/js/passkey.js (S1, S2, S3).
"""

import base64
import re
from urllib.parse import parse_qs

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from pixiodoc.accounts.models import Member, User
from pixiodoc.testing import PASSWORD

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True}
VERIFY_PATH = "/accounts/two-factor/passkey/"


@pytest.fixture
def site(live_server, settings):
    # WebAuthn needs a secure context and a domain RP ID: http://localhost is
    # one, a bare IP is not; so the live server is reached as localhost.
    assert live_server.url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return live_server.url


@pytest.fixture
def phone(new_context, site):
    """A phone-sized page with a face/fingerprint authenticator; (page, cdp, id)."""
    page = new_context(base_url=site, **PHONE).new_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]
    return page, cdp, authenticator


@pytest.fixture
def newcomer(practice):
    user = User.objects.create_user("phone.user@test.example", PASSWORD)
    Member.objects.create(user=user, practice=practice, role="clinician")
    return user


def _password(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def _enrol(page, user):
    _password(page, user)
    expect(
        page.get_by_role("heading", name="Set up your authenticator")
    ).to_be_visible()
    page.get_by_role("button", name="Set up a passkey").click()
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    page.get_by_role("link", name=re.compile("I have kept my codes")).click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()


def test_a_member_enrols_a_passkey_then_signs_in_with_it(phone, newcomer):
    page, _, _ = phone
    console = []
    page.on("console", lambda message: console.append(message.text))
    _enrol(page, newcomer)
    assert WebAuthnCredential.objects.filter(user=newcomer, confirmed=True).exists()
    _sign_out(page)

    _password(page, newcomer)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.goto("/patients/")  # S1: the password alone opens nothing
    assert page.url.endswith("/accounts/two-factor/")
    page.goto("/accounts/two-factor/")
    # On a phone the passkey comes first: its button has the focus, not the code.
    expect(page.get_by_role("button", name="Use your passkey")).to_be_focused()
    with page.expect_request(f"**{VERIFY_PATH}") as answer:
        page.get_by_role("button", name="Use your passkey").click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    assert answer.value.method == "POST"
    # S35: the script runs under the strict CSP, with nothing inline.
    assert not [text for text in console if "Content Security Policy" in text]


# S2
def test_a_replayed_assertion_is_refused(phone, newcomer):
    page, _, _ = phone
    _enrol(page, newcomer)
    _sign_out(page)
    _password(page, newcomer)
    with page.expect_request(f"**{VERIFY_PATH}") as answer:
        page.get_by_role("button", name="Use your passkey").click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    captured = parse_qs(answer.value.post_data)["credential"][0]
    _sign_out(page)

    _password(page, newcomer)
    form = page.locator("form[data-passkey=sign_in]")
    token = form.locator("[name=csrfmiddlewaretoken]").input_value()
    # A fresh challenge waits; the captured answer signed the old one.
    options = page.request.post(
        form.get_attribute("data-options-url"), headers={"X-CSRFToken": token}
    )
    assert options.ok
    replayed = page.request.post(
        VERIFY_PATH, form={"credential": captured, "csrfmiddlewaretoken": token}
    )
    assert "Your passkey was not accepted" in replayed.text()
    page.goto("/patients/")
    assert page.url.endswith("/accounts/two-factor/")


# S2: an authenticator that holds the credential's id but not its key (a forged
# or foreign passkey) signs the challenge; the signature does not verify.
def test_a_foreign_assertion_is_refused(phone, newcomer):
    page, cdp, authenticator = phone
    _enrol(page, newcomer)
    _sign_out(page)
    (genuine,) = cdp.send(
        "WebAuthn.getCredentials", {"authenticatorId": authenticator}
    )["credentials"]
    cdp.send(
        "WebAuthn.removeCredential",
        {"authenticatorId": authenticator, "credentialId": genuine["credentialId"]},
    )
    foreign_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    cdp.send(
        "WebAuthn.addCredential",
        {
            "authenticatorId": authenticator,
            "credential": {
                **{
                    k: genuine[k]
                    for k in ("credentialId", "isResidentCredential", "rpId")
                },
                "userHandle": genuine.get("userHandle", ""),
                "privateKey": base64.b64encode(foreign_key).decode(),
                "signCount": genuine["signCount"] + 10,
            },
        },
    )

    _password(page, newcomer)
    page.get_by_role("button", name="Use your passkey").click()
    expect(page.get_by_text("Your passkey was not accepted")).to_be_visible()
    page.goto("/patients/")
    assert page.url.endswith("/accounts/two-factor/")
