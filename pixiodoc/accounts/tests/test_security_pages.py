"""A member's own security: replace the authenticator, renew backup codes (S2, S5)."""

import time_machine
from django.test import Client

from audit.actions import Action
from audit.models import AccessEvent
from pixiodoc.accounts.devices import BackupCode
from pixiodoc.accounts.models import AuthenticatorDevice, Invitation
from pixiodoc.accounts.staff import invite_member
from pixiodoc.accounts.tests.helpers import (
    code_for,
    code_from_secret,
    code_step,
    confirmed_device,
    password_step,
    secret_on,
)
from pixiodoc.testing import sign_in

NOW = "2026-11-26 09:00:00+00:00"


def test_the_security_page_shows_backup_codes_left(client_for, clinician):
    page = client_for(clinician).get("/accounts/security/")
    assert page.status_code == 200
    assert b"0 unused backup codes" in page.content


@time_machine.travel(NOW, tick=False)
def test_replacing_the_authenticator_switches_devices_and_ends_other_sessions(
    clinician,
):
    old = confirmed_device(clinician.user)
    other = sign_in(Client(), clinician)
    mine = sign_in(Client(), clinician)
    page = mine.post("/accounts/security/authenticator/", {"step": "start"})
    assert page.status_code == 200
    secret = secret_on(page.content.decode())
    assert old.secret != secret
    # The old app still works until the new one is confirmed.
    assert confirmed_device(clinician.user).pk == old.pk
    response = mine.post(
        "/accounts/security/authenticator/",
        {"step": "confirm", "code": code_from_secret(secret)},
    )
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    new = confirmed_device(clinician.user)
    assert new.secret == secret
    assert not AuthenticatorDevice.objects.filter(pk=old.pk).exists()
    assert mine.get("/patients/").status_code == 200
    assert "/accounts/login/" in other.get("/patients/")["Location"]
    assert (
        AccessEvent.objects.filter(action=Action.TWO_FACTOR_ENROLLED)
        .filter(details__replaced=True)
        .exists()
    )


@time_machine.travel(NOW, tick=False)
def test_a_wrong_code_does_not_replace_the_authenticator(clinician):
    old = confirmed_device(clinician.user)
    client = sign_in(Client(), clinician)
    client.post("/accounts/security/authenticator/", {"step": "start"})
    response = client.post(
        "/accounts/security/authenticator/", {"step": "confirm", "code": "000000"}
    )
    assert b"not right" in response.content
    assert confirmed_device(clinician.user).pk == old.pk


@time_machine.travel(NOW, tick=False)
def test_new_backup_codes_replace_the_old_ones(client, clinician):
    signed_in = sign_in(Client(), clinician)
    first = signed_in.post("/accounts/security/backup-codes/").context["codes"]
    second = signed_in.post("/accounts/security/backup-codes/").context["codes"]
    assert set(first).isdisjoint(second)
    assert BackupCode.objects.filter(device__user=clinician.user).count() == 10
    password_step(client, clinician.user)
    assert b"not right" in code_step(client, first[0]).content
    assert code_step(client, second[0])["Location"] == "/accounts/practice/"


@time_machine.travel(NOW, tick=False)
def test_enrolment_shows_the_same_secret_until_confirmed(client, practice):
    from pixiodoc.accounts.models import Member, User
    from pixiodoc.testing import PASSWORD

    user = User.objects.create_user("again@test.example", PASSWORD)
    Member.objects.create(user=user, practice=practice, role="assistant")
    password_step(client, user)
    first = secret_on(client.get("/accounts/two-factor/").content.decode())
    second = secret_on(client.get("/accounts/two-factor/").content.decode())
    assert first == second
    code_step(client, "000000")
    assert secret_on(client.get("/accounts/two-factor/").content.decode()) == first


def test_an_owner_withdraws_an_invitation(client_for, owner):
    invitation = invite_member(
        actor=owner, email="later@test.example", role="assistant", site_url="http://t"
    )
    response = client_for(owner).post(
        f"/accounts/invitations/{invitation.uuid}/revoke/"
    )
    assert response.status_code == 302
    assert not Invitation.objects.get(pk=invitation.pk).is_open
    assert AccessEvent.objects.filter(action=Action.INVITATION_REVOKED).exists()


@time_machine.travel(NOW, tick=False)
def test_the_practice_choice_is_audited(client, clinician):
    password_step(client, clinician.user)
    code_step(client, code_for(confirmed_device(clinician.user)))
    client.get("/accounts/practice/")
    assert client.get("/patients/").status_code == 200
    event = AccessEvent.objects.get(action=Action.PRACTICE_SWITCHED)
    assert event.member == clinician


def _stale_session(clinician, clock):
    """Signed in with both factors, then six minutes on (within the idle limit)."""
    client = sign_in(Client(), clinician)
    clock.shift(360)
    return client


# S42
def test_replacing_the_authenticator_asks_for_the_password_after_five_minutes(
    clinician,
):
    from pixiodoc.testing import PASSWORD

    with time_machine.travel(NOW, tick=False) as clock:
        client = _stale_session(clinician, clock)
        url = "/accounts/security/authenticator/"
        page = client.post(url, {"step": "start"})
        assert (
            b"Confirm it is you" in page.content and b"otp-secret" not in page.content
        )
        page = client.post(url, {"confirm_password": "not my password"})
        assert b"That password is not right" in page.content
        assert b"otp-secret" not in page.content
        page = client.post(url, {"confirm_password": PASSWORD})
        assert b"otp-secret" in page.content  # the first step, at once
        # Confirmed: the next five minutes ask nothing more.
        clock.shift(240)
        assert "codes" in client.post("/accounts/security/backup-codes/").context
        clock.shift(120)
        page = client.post("/accounts/security/backup-codes/")
        assert b"Confirm it is you" in page.content


# S42
def test_new_backup_codes_accept_a_fresh_code_instead_of_the_password(clinician):
    with time_machine.travel(NOW, tick=False) as clock:
        client = _stale_session(clinician, clock)
        url = "/accounts/security/backup-codes/"
        page = client.post(url)
        assert "codes" not in page.context
        assert not BackupCode.objects.filter(device__user=clinician.user).exists()
        assert b"not right" in client.post(url, {"confirm_code": "000000"}).content
        code = code_for(confirmed_device(clinician.user))
        page = client.post(url, {"confirm_code": code})
        assert len(page.context["codes"]) == 10


# S42 S6
def test_wrong_passwords_at_the_confirmation_lock_like_sign_in(clinician):
    with time_machine.travel(NOW, tick=False) as clock:
        client = _stale_session(clinician, clock)
        url = "/accounts/security/backup-codes/"
        for i in range(5):
            client.post(url, {"confirm_password": f"wrong password {i}"})
        response = client.post(url, {"confirm_password": "wrong again"})
        assert response.status_code == 429
        assert password_step(Client(), clinician.user).status_code == 429


# S42 S6
def test_the_password_change_form_locks_like_sign_in(clinician):
    from pixiodoc.testing import PASSWORD

    client = sign_in(Client(), clinician)
    url = "/accounts/security/password/"
    new = "another-long-passphrase-9"
    statuses = [
        client.post(
            url,
            {"old_password": f"guess {i}", "new_password1": new, "new_password2": new},
        ).status_code
        for i in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # as at sign-in: the fifth locks
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 429  # even the right password waits
    clinician.user.refresh_from_db()
    assert not clinician.user.check_password(new)
    assert password_step(Client(), clinician.user).status_code == 429


# S42
def test_adding_a_passkey_after_five_minutes_asks_for_the_password_first(
    clinician,
):
    from django_otp_webauthn.models import WebAuthnCredential

    from pixiodoc.accounts.tests.soft_authenticator import SoftAuthenticator
    from pixiodoc.testing import PASSWORD

    enrol = "/accounts/two-factor/passkey/enrol/"
    with time_machine.travel(NOW, tick=False) as clock:
        client = _stale_session(clinician, clock)
        options = client.post("/accounts/two-factor/passkey/enrol/options/").json()
        answer = SoftAuthenticator().create(options)
        page = client.post(enrol, {"credential": answer})
        assert b"Confirm it is you" in page.content
        assert not WebAuthnCredential.objects.filter(user=clinician.user).exists()
        # The confirmation carries the passkey's answer on: one more step, no redo.
        page = client.post(enrol, {"credential": answer, "confirm_password": PASSWORD})
        assert page.status_code in (200, 302)
        assert WebAuthnCredential.objects.filter(user=clinician.user).exists()


# S42
def test_removing_a_passkey_after_five_minutes_asks_first(clinician):
    from django_otp_webauthn.models import WebAuthnCredential

    from pixiodoc.accounts.tests.soft_authenticator import SoftAuthenticator
    from pixiodoc.testing import PASSWORD

    with time_machine.travel(NOW, tick=False) as clock:
        client = sign_in(Client(), clinician)
        options = client.post("/accounts/two-factor/passkey/enrol/options/").json()
        client.post(
            "/accounts/two-factor/passkey/enrol/",
            {"credential": SoftAuthenticator().create(options)},
        )
        assert WebAuthnCredential.objects.filter(user=clinician.user).exists()
        clock.shift(360)
        url = "/accounts/security/passkey/remove/"
        page = client.post(url)
        assert b"Confirm it is you" in page.content
        assert WebAuthnCredential.objects.filter(user=clinician.user).exists()
        response = client.post(url, {"confirm_password": PASSWORD})
        assert response["Location"] == "/accounts/security/"
        assert not WebAuthnCredential.objects.filter(user=clinician.user).exists()
