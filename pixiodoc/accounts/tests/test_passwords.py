"""Forgot password by e-mail: expiring, single-use link; 2FA still asked after (S5, S7)."""

import re
from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client

from audit.actions import Action
from audit.models import AccessEvent
from pixiodoc.accounts.tests.helpers import password_step
from pixiodoc.testing import sign_in

NEW = "a brand new long passphrase"


def _reset_link(client, user):
    client.post("/accounts/password-reset/", {"email": user.email})
    return re.search(
        r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[-1].body
    ).group(1)


def _set(client, link, password=NEW):
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_forgot_password_sets_a_new_one_and_still_asks_the_second_factor(clinician):
    client = Client()
    link = _reset_link(client, clinician.user)
    response = _set(client, link)
    assert response["Location"] == "/accounts/password-reset/done/"
    clinician.user.refresh_from_db()
    assert clinician.user.check_password(NEW)
    # Not signed in by the reset: sign-in is password, then the code.
    assert client.get("/patients/")["Location"].startswith("/accounts/login/")
    response = password_step(client, clinician.user, password=NEW)
    assert response["Location"] == "/accounts/two-factor/"
    assert client.get("/patients/")["Location"] == "/accounts/two-factor/"
    assert AccessEvent.objects.filter(action=Action.PASSWORD_RESET).exists()
    assert AccessEvent.objects.filter(action=Action.PASSWORD_RESET_REQUESTED).exists()


def test_a_reset_link_works_once(clinician):
    client = Client()
    link = _reset_link(client, clinician.user)
    _set(client, link)
    page = Client().get(link, follow=True)
    assert b"does not work" in page.content


def test_a_reset_link_expires(clinician):
    client = Client()
    link = _reset_link(client, clinician.user)
    with time_machine.travel(timedelta(hours=2)):
        page = Client().get(link, follow=True)
    assert b"does not work" in page.content


def test_an_unknown_address_looks_the_same(client, clinician):
    known = client.post("/accounts/password-reset/", {"email": clinician.user.email})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@x.example"})
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


# S5
def test_a_reset_ends_every_session(clinician):
    signed_in = sign_in(Client(), clinician)
    client = Client()
    _set(client, _reset_link(client, clinician.user))
    assert "/accounts/login/" in signed_in.get("/patients/")["Location"]


# S7
def test_a_new_password_must_pass_the_validators(clinician):
    client = Client()
    response = _set(client, _reset_link(client, clinician.user), password="shortpass")
    assert response.status_code == 200
    assert b"at least 12 characters" in response.content


def _ask_reset(client, email, **extra):
    return client.post("/accounts/password-reset/", {"email": email}, **extra)


# S42
def test_password_reset_mails_are_limited_per_account(clinician):
    for i in range(5):  # from five addresses: the account's limit still holds
        response = _ask_reset(Client(REMOTE_ADDR=f"192.0.2.{i}"), clinician.user.email)
        assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 3
    denied = AccessEvent.objects.filter(
        action=Action.PASSWORD_RESET_REQUESTED, outcome="denied"
    )
    assert denied.count() == 2
    assert denied.first().actor_uuid == clinician.user.uuid
    # An hour later the account may ask again.
    with time_machine.travel(timedelta(minutes=61)):
        _ask_reset(Client(REMOTE_ADDR="192.0.2.50"), clinician.user.email)
    assert len(mail.outbox) == 4


# S42 S43
def test_password_reset_requests_are_limited_per_address(clinician, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for i in range(5):
        response = _ask_reset(
            Client(),
            f"nobody{i}@x.example",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            **proxy,
        )
        assert response.status_code == 302
    response = _ask_reset(
        Client(), clinician.user.email, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy
    )
    assert response.status_code == 429
    assert b"Too many reset requests from this address" in response.content
    assert len(mail.outbox) == 0
    # Another client behind the same proxy is not held back by that one.
    response = _ask_reset(
        Client(), clinician.user.email, HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy
    )
    assert response.status_code == 302 and len(mail.outbox) == 1
