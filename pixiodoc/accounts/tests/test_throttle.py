"""Throttling of failed sign-ins and 2FA codes (S6)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client

from pixiodoc.accounts.tests.helpers import (
    code_for,
    code_step,
    confirmed_device,
    password_step,
)

START = "2026-11-26 08:00:00+00:00"


def _fail_passwords(client, user, times, **extra):
    return [
        password_step(client, user, password=f"wrong password {i}!", **extra)
        for i in range(times)
    ]


# S6
def test_five_wrong_passwords_lock_sign_in_with_429(client, clinician):
    _fail_passwords(client, clinician.user, 5)
    response = password_step(client, clinician.user)  # even the right one
    assert response.status_code == 429
    assert b"Too many attempts" in response.content


# S6
def test_changing_x_forwarded_for_does_not_reset_the_password_count(clinician):
    client = Client()
    for i in range(5):
        password_step(
            client,
            clinician.user,
            password=f"wrong {i} password",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    response = password_step(
        client, clinician.user, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert response.status_code == 429


# S6
def test_changing_the_case_of_the_e_mail_does_not_reset_the_count(client, clinician):
    email = clinician.user.email
    for i, spelling in enumerate([email, email.upper(), email.title(), email, email]):
        client.post(
            "/accounts/login/", {"username": spelling, "password": f"wrong {i}"}
        )
    response = password_step(client, clinician.user)
    assert response.status_code == 429


# S6
def test_five_wrong_codes_lock_the_second_factor(client, clinician):
    with time_machine.travel(START, tick=False) as clock:
        password_step(client, clinician.user)
        for _ in range(4):
            assert code_step(client, "000000").status_code == 200
        response = code_step(client, "000000")
        assert response.status_code == 429
        good = code_for(confirmed_device(clinician.user))
        response = code_step(client, good)
        assert response.status_code == 429  # locked: even the right code waits
        assert b"paused for 15 minutes" in response.content
        clock.shift(timedelta(minutes=10))
        client.get("/accounts/two-factor/")  # keeps the session from idling out
        clock.shift(timedelta(minutes=6))
        good = code_for(confirmed_device(clinician.user))
        assert code_step(client, good)["Location"] == "/accounts/practice/"


# S6
def test_the_second_factor_lock_holds_across_addresses_and_sessions(clinician):
    with time_machine.travel(START, tick=False):
        for i in range(5):
            client = Client(REMOTE_ADDR=f"192.0.2.{i}")
            password_step(client, clinician.user)
            code_step(client, "000000", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
        fresh = Client(REMOTE_ADDR="192.0.2.99")
        password_step(fresh, clinician.user)
        response = code_step(fresh, code_for(confirmed_device(clinician.user)))
        assert response.status_code == 429


# S6
@pytest.mark.parametrize("step", ["password", "code"])
def test_a_cache_outage_does_not_open_the_locks(clinician, settings, step):
    with time_machine.travel(START, tick=False):
        client = Client()
        if step == "password":
            _fail_passwords(client, clinician.user, 5)
        else:
            password_step(client, clinician.user)
            for _ in range(5):
                code_step(client, "000000")
        # Point the cache at a closed port: nothing the locks need may live there.
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
            }
        }
        with pytest.raises(Exception):  # noqa: B017 - the cache really is down
            caches["default"].get("anything")
        if step == "password":
            response = password_step(client, clinician.user)
        else:
            response = code_step(client, code_for(confirmed_device(clinician.user)))
        assert response.status_code == 429


# S43
def test_sign_in_locks_the_client_behind_the_proxy_not_the_proxy(clinician, settings):
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # nginx: every request comes from it
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    _fail_passwords(attacker, clinician.user, 5)
    assert password_step(attacker, clinician.user).status_code == 429
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == "203.0.113.9"
    # Another client through the same proxy is not locked out by the attacker.
    colleague = Client(HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy)
    assert password_step(colleague, clinician.user).status_code == 302


# S42
def test_the_second_factor_lock_doubles_each_time_instead_of_resetting(clinician):
    def fail_five(client):
        for _ in range(5):
            response = code_step(client, "000000")
        return response

    def right_code(client):
        return code_step(client, code_for(confirmed_device(clinician.user)))

    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        password_step(client, clinician.user)
        assert b"paused for 15 minutes" in fail_five(client).content
        clock.shift(timedelta(minutes=16))
        client = Client()
        password_step(client, clinician.user)
        response = fail_five(client)
        assert response.status_code == 429
        assert b"paused for 30 minutes" in response.content
        clock.shift(timedelta(minutes=16))
        client = Client()
        password_step(client, clinician.user)
        assert right_code(client).status_code == 429  # still paused
        clock.shift(timedelta(minutes=15))
        client = Client()
        password_step(client, clinician.user)
        assert right_code(client)["Location"] == "/accounts/practice/"
    # A right code starts the count afresh: the next lock is 15 minutes again.
    with time_machine.travel("2026-11-27 08:00:00+00:00", tick=False):
        client = Client()
        password_step(client, clinician.user)
        assert b"paused for 15 minutes" in fail_five(client).content


def test_the_longest_second_factor_lock_is_a_day():
    from pixiodoc.accounts.two_factor import lock_for

    assert [lock_for(n) for n in (4, 5, 9, 10, 15)] == [
        None,
        timedelta(minutes=15),
        None,
        timedelta(minutes=30),
        timedelta(hours=1),
    ]
    assert lock_for(500) == timedelta(hours=24)
