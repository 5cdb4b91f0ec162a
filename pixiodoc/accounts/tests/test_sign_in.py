"""Password, then second factor: enrolment, verification, backup codes (S1, S2, S3, S7)."""

import logging

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from audit.actions import Action
from audit.models import AccessEvent
from pixiodoc.accounts.devices import BackupCode
from pixiodoc.accounts.models import AuthenticatorDevice, Member, User
from pixiodoc.accounts.tests.helpers import (
    code_for,
    code_from_secret,
    code_step,
    confirmed_device,
    password_step,
    secret_on,
)
from pixiodoc.testing import PASSWORD

NOW = "2026-11-26 09:00:00+00:00"


@pytest.fixture
def newcomer(practice):
    """A member who has never signed in: no device yet."""
    user = User.objects.create_user("new@test.example", PASSWORD, full_name="New")
    return Member.objects.create(user=user, practice=practice, role="clinician")


def _session_key(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_sign_in_page_renders(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'autocomplete="current-password"' in response.content
    assert b"Forgot your password?" in response.content


def test_wrong_password_says_so_and_is_audited(client, clinician):
    response = password_step(client, clinician.user, password="wrong password here")
    assert response.status_code == 200
    assert b"do not match" in response.content
    assert AccessEvent.objects.filter(action=Action.SIGN_IN_FAILED).count() == 1


@time_machine.travel(NOW, tick=False)
def test_first_sign_in_enrols_with_qr_secret_and_ten_backup_codes(client, newcomer):
    response = password_step(client, newcomer.user)
    assert response["Location"] == "/accounts/two-factor/"
    page = client.get("/accounts/two-factor/")
    html = page.content.decode()
    assert "<svg" in html and 'autocomplete="one-time-code"' in html
    secret = secret_on(html)
    response = code_step(client, code_from_secret(secret))
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    device = confirmed_device(newcomer.user)
    assert device.secret == secret
    # S2: backup codes stored only as digests.
    stored = list(BackupCode.objects.filter(device__user=newcomer.user))
    assert len(stored) == 10
    assert not any(c.replace("-", "") in s.digest for s in stored for c in codes)
    assert client.get("/accounts/practice/").status_code == 302  # verified now
    assert client.get("/patients/").status_code == 200
    assert AccessEvent.objects.filter(action=Action.TWO_FACTOR_ENROLLED).exists()


@time_machine.travel(NOW, tick=False)
def test_the_totp_key_is_encrypted_at_rest(newcomer):
    from django.db import connection

    device = AuthenticatorDevice.objects.create(user=newcomer.user, name="a")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key FROM accounts_authenticatordevice WHERE id = %s", [device.pk]
        )
        raw = cursor.fetchone()[0]
    assert device.key not in raw
    assert device.secret not in raw


@time_machine.travel(NOW, tick=False)
def test_backup_codes_are_shown_once(client, newcomer):
    password_step(client, newcomer.user)
    secret = secret_on(client.get("/accounts/two-factor/").content.decode())
    response = code_step(client, code_from_secret(secret))
    codes = response.context["codes"]
    for url in ("/accounts/practice/", "/accounts/security/", "/patients/"):
        assert codes[0] not in client.get(url, follow=True).content.decode()


# S1
@pytest.mark.parametrize(
    "url", ["/", "/patients/", "/accounts/members/", "/accounts/security/", "/admin/"]
)
def test_password_alone_reaches_nothing_but_the_second_factor(client, owner, url):
    password_step(client, owner.user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/"


# S1
def test_enrolment_is_required_before_anything_else(client, newcomer):
    password_step(client, newcomer.user)
    assert client.get("/patients/")["Location"] == "/accounts/two-factor/"


# S3
@time_machine.travel(NOW, tick=False)
def test_session_key_rotates_at_password_and_at_second_factor(client, clinician):
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    password_step(client, clinician.user)
    after_password = _session_key(client)
    assert after_password != before
    code_step(client, code_for(confirmed_device(clinician.user)))
    after_code = _session_key(client)
    assert after_code != after_password
    assert client.get("/patients/").status_code == 200


# S2
@time_machine.travel(NOW, tick=False)
def test_a_totp_code_is_accepted_only_once(clinician):
    code = code_for(confirmed_device(clinician.user))
    first, second = Client(), Client()
    password_step(first, clinician.user)
    password_step(second, clinician.user)
    assert code_step(first, code)["Location"] == "/accounts/practice/"
    response = code_step(second, code)
    assert response.status_code == 200
    assert b"not right" in response.content
    assert second.get("/patients/")["Location"] == "/accounts/two-factor/"


# S2
def test_an_older_code_is_refused_after_a_newer_one(clinician):
    device = confirmed_device(clinician.user)
    with time_machine.travel(NOW, tick=False):
        old = code_for(device, drift=-1)
        assert device.verify_token(code_for(device))
        assert not device.verify_token(old)


def test_a_code_from_the_next_step_is_accepted(clinician):
    # Phones drift: one step either side is accepted.
    device = confirmed_device(clinician.user)
    with time_machine.travel(NOW, tick=False):
        assert device.verify_token(code_for(device, drift=1))


# S2
@time_machine.travel(NOW, tick=False)
def test_a_backup_code_signs_in_once(client, newcomer):
    password_step(client, newcomer.user)
    secret = secret_on(client.get("/accounts/two-factor/").content.decode())
    codes = code_step(client, code_from_secret(secret)).context["codes"]
    client.post("/accounts/logout/")

    password_step(client, newcomer.user)
    response = code_step(client, codes[3].upper())  # case does not matter
    assert response["Location"] == "/accounts/practice/"
    assert AccessEvent.objects.filter(action=Action.BACKUP_CODE_USED).exists()
    client.post("/accounts/logout/")

    password_step(client, newcomer.user)
    response = code_step(client, codes[3])
    assert b"not right" in response.content
    assert BackupCode.objects.filter(used_at__isnull=True).count() == 9


def test_wrong_code_says_so_and_is_audited(client, clinician):
    password_step(client, clinician.user)
    response = code_step(client, "000000")
    assert b"not right" in response.content
    assert AccessEvent.objects.filter(action=Action.TWO_FACTOR_FAILED).count() == 1


@time_machine.travel(NOW, tick=False)
def test_sign_out_is_a_post_and_ends_the_session(client_for, clinician):
    client = client_for(clinician)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/patients/")["Location"].startswith("/accounts/login/")
    assert AccessEvent.objects.filter(action=Action.SIGN_OUT).exists()


def test_a_user_in_two_practices_chooses_then_switches(
    client, practice, other_practice
):
    from pixiodoc.testing import make_member, sign_in

    here = make_member(practice, "clinician", email="both@test.example")
    there = Member.objects.create(user=here.user, practice=other_practice, role="owner")
    client.force_login(here.user)
    session = client.session
    session["otp_device_id"] = confirmed_device(here.user).persistent_id
    session.save()
    assert client.get("/patients/")["Location"] == "/accounts/practice/"
    page = client.get("/accounts/practice/")
    assert b"Elsewhere Clinic" in page.content and b"Test Clinic" in page.content
    client.post("/accounts/practice/", {"practice": str(other_practice.uuid)})
    assert client.get("/accounts/members/").status_code == 200  # owner there
    client.post("/accounts/practice/", {"practice": str(practice.uuid)})
    assert client.get("/accounts/members/").status_code == 403  # clinician here
    assert there.pk and sign_in  # both memberships exist


# S7
@time_machine.travel(NOW, tick=False)
def test_passwords_are_never_logged(client, newcomer, caplog):
    caplog.set_level(logging.DEBUG)
    secret_password = "Unguessable-Sentinel-Passphrase-42"
    password_step(client, newcomer.user, password=secret_password)
    password_step(client, newcomer.user)
    client.post("/accounts/password-reset/", {"email": newcomer.user.email})
    assert secret_password not in caplog.text
    assert PASSWORD not in caplog.text
    for event in AccessEvent.objects.all():
        assert secret_password not in str(event.details) + event.reason
