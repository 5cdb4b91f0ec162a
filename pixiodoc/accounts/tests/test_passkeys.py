"""Passkeys as the second factor: enrolment, sign-in, no replay, sessions (S1, S2, S3, S5)."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone
from django_otp_webauthn.models import WebAuthnCredential

from audit.actions import Action
from audit.models import AccessEvent
from pixiodoc.accounts import passkeys
from pixiodoc.accounts.exceptions import AccountsError
from pixiodoc.accounts.models import AuthenticatorDevice, Member, User
from pixiodoc.accounts.tests.helpers import password_step
from pixiodoc.accounts.tests.soft_authenticator import SoftAuthenticator
from pixiodoc.accounts.two_factor import reset_second_factor
from pixiodoc.testing import PASSWORD, sign_in

ENROL_OPTIONS = "/accounts/two-factor/passkey/enrol/options/"
ENROL = "/accounts/two-factor/passkey/enrol/"
OPTIONS = "/accounts/two-factor/passkey/options/"
VERIFY = "/accounts/two-factor/passkey/"


@pytest.fixture
def newcomer(practice):
    """A member who has never signed in: no second factor yet."""
    user = User.objects.create_user("new@test.example", PASSWORD, full_name="New")
    return Member.objects.create(user=user, practice=practice, role="clinician")


def _session_key(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _enrol(client, phone):
    options = client.post(ENROL_OPTIONS).json()
    return client.post(ENROL, {"credential": phone.create(options)})


def _passkey_step(client, phone, **answer):
    options = client.post(OPTIONS).json()
    return client.post(VERIFY, {"credential": phone.get(options, **answer)})


@pytest.fixture
def enrolled(newcomer):
    """The newcomer with a passkey on their phone (and no authenticator app)."""
    phone = SoftAuthenticator()
    client = Client()
    password_step(client, newcomer.user)
    assert _enrol(client, phone).status_code == 200
    return newcomer, phone


def _events(action):
    return AccessEvent.objects.filter(action=action)


# S1, S3
def test_first_sign_in_enrols_a_passkey_with_backup_codes(client, newcomer):
    password_step(client, newcomer.user)
    after_password = _session_key(client)
    options = client.post(ENROL_OPTIONS).json()
    # A platform authenticator that verifies the user (face or fingerprint).
    assert options["authenticatorSelection"]["authenticatorAttachment"] == "platform"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["rp"]["id"] == "localhost"

    response = client.post(ENROL, {"credential": SoftAuthenticator().create(options)})

    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert _session_key(client) != after_password
    device = WebAuthnCredential.objects.get(user=newcomer.user)
    assert device.confirmed and device.name == "Passkey"
    # The app secret shown beside the passkey offer is dropped.
    assert not AuthenticatorDevice.objects.filter(user=newcomer.user).exists()
    assert client.get("/patients/").status_code == 200
    event = _events(Action.TWO_FACTOR_ENROLLED).get()
    assert event.details["method"] == "passkey"


# S1, S3
def test_a_later_sign_in_takes_password_then_passkey(enrolled):
    member, phone = enrolled
    client = Client()
    password_step(client, member.user)
    assert client.get("/patients/")["Location"] == "/accounts/two-factor/"
    after_password = _session_key(client)

    response = _passkey_step(client, phone)

    assert response["Location"] == "/accounts/practice/"
    assert _session_key(client) != after_password
    assert client.get("/patients/").status_code == 200
    assert _events(Action.TWO_FACTOR_VERIFIED).get().details == {"method": "passkey"}


def test_the_code_page_offers_the_passkey_only_where_it_can_work(enrolled):
    member, _ = enrolled
    client = Client()
    password_step(client, member.user)
    on_localhost = client.get("/accounts/two-factor/", HTTP_HOST="localhost:8000")
    on_an_ip = client.get("/accounts/two-factor/", HTTP_HOST="127.0.0.1")
    assert b'data-passkey="sign_in"' in on_localhost.content
    assert b"js/passkey.js" in on_localhost.content
    assert b"data-passkey" not in on_an_ip.content
    assert b'autocomplete="one-time-code"' in on_an_ip.content  # codes still work


def test_enrolment_offers_a_passkey_first_and_the_app_too(client, newcomer):
    password_step(client, newcomer.user)
    html = client.get("/accounts/two-factor/", HTTP_HOST="localhost:8000")
    html = html.content.decode()
    assert html.index('data-passkey="enrol"') < html.index('id="otp-secret"')


# S1: a passkey is a second factor only, never instead of the password.
@pytest.mark.parametrize("url", [ENROL_OPTIONS, ENROL, OPTIONS, VERIFY])
def test_no_passkey_step_without_the_password(client, enrolled, url):
    response = client.post(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


# S1: no passkey can be slipped in to skip the existing second factor.
def test_password_alone_cannot_add_a_passkey(client, clinician):
    password_step(client, clinician.user)
    response = client.post(ENROL_OPTIONS)
    assert response["Location"] == "/accounts/two-factor/"
    assert passkeys.ENROL_STATE not in client.session
    response = client.post(ENROL, {"credential": "{}"})
    assert response["Location"] == "/accounts/two-factor/"
    assert not WebAuthnCredential.objects.exists()
    assert client.get("/patients/")["Location"] == "/accounts/two-factor/"


# S2
def test_a_replayed_assertion_is_refused(enrolled):
    member, phone = enrolled
    client = Client()
    password_step(client, member.user)
    options = client.post(OPTIONS).json()
    answer = phone.get(options)
    assert client.post(VERIFY, {"credential": answer}).status_code == 302
    client.post("/accounts/logout/")

    password_step(client, member.user)
    client.post(OPTIONS)  # a new challenge; the old answer signed the old one
    response = client.post(VERIFY, {"credential": answer}, follow=True)

    assert b"Your passkey was not accepted" in response.content
    assert client.get("/patients/")["Location"] == "/accounts/two-factor/"
    failed = _events(Action.TWO_FACTOR_FAILED).get()
    assert failed.outcome == "failed"


# S2: the challenge is used once, even by a request that loaded the session before
# and with a synced passkey whose sign counter stays at 0.
def test_a_challenge_answers_once_even_for_a_racing_request(newcomer):
    member, phone = newcomer, SoftAuthenticator(counts=False)
    client = Client()
    password_step(client, member.user)
    _enrol(client, phone)
    client.post("/accounts/logout/")
    password_step(client, member.user)
    options = client.post(OPTIONS).json()
    answer = phone.get(options)
    racing = RequestFactory().post(VERIFY)
    racing.user = member.user
    racing.session = type(client.session)(_session_key(client))
    racing.session.load()  # loaded while the challenge still waits
    assert passkeys.SIGN_IN_STATE in racing.session

    assert client.post(VERIFY, {"credential": answer})["Location"] == (
        "/accounts/practice/"
    )
    with pytest.raises(AccountsError, match="not accepted"):
        passkeys.verify_passkey(user=member.user, answer=answer, request=racing)


# S2: an authenticator whose sign counter goes back is a clone.
def test_an_assertion_with_a_stale_sign_counter_is_refused(enrolled):
    member, phone = enrolled
    client = Client()
    password_step(client, member.user)
    assert _passkey_step(client, phone)["Location"] == "/accounts/practice/"
    client.post("/accounts/logout/")

    password_step(client, member.user)
    response = _passkey_step(client, phone, count_up=False)

    assert response["Location"] == "/accounts/two-factor/"
    assert client.get("/patients/")["Location"] == "/accounts/two-factor/"


# S2
def test_another_users_passkey_is_refused(enrolled, practice):
    member, _ = enrolled
    other = User.objects.create_user("other@test.example", PASSWORD)
    Member.objects.create(user=other, practice=practice, role="assistant")
    their_phone = SoftAuthenticator()
    other_client = Client()
    password_step(other_client, other)
    _enrol(other_client, their_phone)

    client = Client()
    password_step(client, member.user)
    response = _passkey_step(client, their_phone)

    assert response["Location"] == "/accounts/two-factor/"
    assert client.get("/patients/")["Location"] == "/accounts/two-factor/"
    assert User.objects.get(pk=member.user.pk).otp_failures == 1


# S2: an answer made for another site (phishing page) is refused.
def test_an_assertion_for_another_origin_is_refused(enrolled):
    member, phone = enrolled
    phone.origin = "https://pixiodoc.example.net"
    client = Client()
    password_step(client, member.user)
    assert _passkey_step(client, phone)["Location"] == "/accounts/two-factor/"
    assert client.get("/patients/")["Location"] == "/accounts/two-factor/"


def test_an_answer_without_a_ceremony_is_refused_uncounted(enrolled):
    member, _ = enrolled
    client = Client()
    password_step(client, member.user)
    response = client.post(VERIFY, {"credential": "{}"}, follow=True)
    assert b"expired" in response.content
    assert User.objects.get(pk=member.user.pk).otp_failures == 0


def test_a_backup_code_still_signs_in_a_passkey_member(client, newcomer):
    password_step(client, newcomer.user)
    codes = _enrol(client, SoftAuthenticator()).context["codes"]
    client.post("/accounts/logout/")
    password_step(client, newcomer.user)
    response = client.post("/accounts/two-factor/", {"code": codes[0]})
    assert response["Location"] == "/accounts/practice/"


# S5
def test_adding_a_passkey_ends_the_other_sessions_and_keeps_the_app(
    client_for, clinician
):
    here = client_for(clinician)
    elsewhere = sign_in(Client(), clinician)
    response = _enrol(here, SoftAuthenticator())
    assert response["Location"] == "/accounts/security/"
    assert here.get("/patients/").status_code == 200
    assert "/accounts/login/" in elsewhere.get("/patients/")["Location"]
    assert AuthenticatorDevice.objects.filter(
        user=clinician.user, confirmed=True
    ).exists()
    assert WebAuthnCredential.objects.filter(user=clinician.user).count() == 1


# S5
def test_a_new_passkey_replaces_the_old_one(client_for, clinician):
    here = client_for(clinician)
    _enrol(here, SoftAuthenticator())
    old = WebAuthnCredential.objects.get(user=clinician.user)
    _enrol(here, SoftAuthenticator())
    assert list(WebAuthnCredential.objects.filter(user=clinician.user)) != [old]
    assert WebAuthnCredential.objects.filter(user=clinician.user).count() == 1
    assert here.get("/patients/").status_code == 200


# S5
def test_removing_the_passkey_ends_the_other_sessions(client_for, clinician):
    here = client_for(clinician)
    _enrol(here, SoftAuthenticator())
    elsewhere = sign_in(Client(), clinician)
    response = here.post("/accounts/security/passkey/remove/")
    assert response["Location"] == "/accounts/security/"
    assert not WebAuthnCredential.objects.filter(user=clinician.user).exists()
    assert "/accounts/login/" in elsewhere.get("/patients/")["Location"]
    assert _events(Action.TWO_FACTOR_REMOVED).exists()


def test_the_only_second_factor_cannot_be_removed(enrolled):
    member, phone = enrolled
    client = Client()
    password_step(client, member.user)
    _passkey_step(client, phone)
    response = client.post("/accounts/security/passkey/remove/", follow=True)
    assert b"Set up an authenticator app first" in response.content
    assert WebAuthnCredential.objects.filter(user=member.user).exists()


# S5
def test_an_owners_reset_removes_the_passkey(enrolled, owner):
    member, _ = enrolled
    reset_second_factor(actor=owner, member=member)
    assert not WebAuthnCredential.objects.filter(user=member.user).exists()


# S1: /admin/ takes a verified second factor, a passkey counts as one.
def test_the_admin_takes_the_passkey_as_second_factor(practice):
    user = User.objects.create_user("boss@test.example", PASSWORD)
    Member.objects.create(user=user, practice=practice, role="owner")
    phone = SoftAuthenticator()
    client = Client()
    password_step(client, user)
    _enrol(client, phone)
    client.post("/accounts/logout/")

    password_step(client, user)
    assert client.get("/admin/").status_code == 302
    _passkey_step(client, phone)
    client.get("/accounts/practice/")
    assert client.get("/admin/").status_code == 200


# S6: during the lock even the right passkey waits, as the right code does.
def test_a_locked_second_factor_refuses_the_passkey_too(enrolled):
    member, phone = enrolled
    client = Client()
    password_step(client, member.user)
    User.objects.filter(pk=member.user.pk).update(
        otp_locked_until=timezone.now() + timedelta(minutes=10)
    )
    response = _passkey_step(client, phone)
    assert response["Location"] == "/accounts/two-factor/"
    assert client.get("/patients/")["Location"] == "/accounts/two-factor/"
    assert _events(Action.TWO_FACTOR_FAILED).get().outcome == "denied"


def test_the_security_page_offers_to_add_or_remove_a_passkey(client_for, clinician):
    here = client_for(clinician)
    page = here.get("/accounts/security/", HTTP_HOST="localhost:8000")
    assert b'data-passkey="add"' in page.content
    assert b"Remove passkey" not in page.content
    _enrol(here, SoftAuthenticator())
    page = here.get("/accounts/security/", HTTP_HOST="localhost:8000")
    assert b"Remove passkey" in page.content
    assert b"Replace passkey with one on this device" in page.content


# S2: five requests carrying one answer at once, each in its own thread and
# database connection: exactly one signs in (a synced passkey: counter at 0).
@pytest.mark.django_db(transaction=True)
def test_one_answer_sent_five_times_at_once_signs_in_once(practice):
    user = User.objects.create_user("racer@test.example", PASSWORD)
    Member.objects.create(user=user, practice=practice, role="clinician")
    phone = SoftAuthenticator(counts=False)
    client = Client()
    password_step(client, user)
    _enrol(client, phone)
    client.post("/accounts/logout/")
    password_step(client, user)
    answer = phone.get(client.post(OPTIONS).json())
    cookie = _session_key(client)
    start = threading.Barrier(5)
    outcomes = []

    def send():
        try:
            racer = Client()
            racer.cookies[settings.SESSION_COOKIE_NAME] = cookie
            start.wait()
            response = racer.post(VERIFY, {"credential": answer})
            outcomes.append(response.get("Location", response.status_code))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("/accounts/practice/") == 1, outcomes
    assert _events(Action.TWO_FACTOR_VERIFIED).count() == 1
