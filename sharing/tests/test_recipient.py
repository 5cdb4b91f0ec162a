from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from audit.models import AccessEvent
from sharing import throttle, tokens
from sharing.models import ShareFailure, ShareLink
from sharing.services import change_passcode, revoke_share_link
from sharing.tests.factories import make_link

PASSCODE = "ABCD23EFGH"


def url(token):
    return f"/s/{token}/"


def opened(token, client=None):
    """Press "Open the photographs" (a POST: a GET never counts an open), then look."""
    client = client or Client()
    assert client.post(url(token)).status_code == 302
    return client


def refusals(link=None):
    events = AccessEvent.objects.filter(action="share_refused")
    if link is not None:
        events = events.filter(actor_uuid=link.uuid)
    return events


# S23
def test_every_kind_of_refusal_looks_the_same(clinician):
    unknown = tokens.new_token()
    _, expired = make_link(actor=clinician)
    ShareLink.objects.update(
        created_at=timezone.now() - timedelta(days=2),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    revoked_link, revoked = make_link(actor=clinician)
    revoke_share_link(actor=clinician, link=revoked_link)
    _, exhausted = make_link(actor=clinician, open_limit=1)
    opened(exhausted)
    locked_link, locked = make_link(actor=clinician, passcode=PASSCODE)
    ShareLink.objects.filter(pk=locked_link.pk).update(locked_at=timezone.now())
    _, guarded = make_link(actor=clinician, passcode=PASSCODE)
    guarded_client = Client()
    guarded_client.get(url(guarded))
    for _ in range(4):  # the fifth wrong passcode locks: from then on, neutral
        guarded_client.post(url(guarded), {"passcode": "WRONG"})

    responses = {
        "unknown": Client().get(url(unknown)),
        "expired": Client().get(url(expired)),
        "revoked": Client().get(url(revoked)),
        "exhausted": Client().get(url(exhausted)),
        "locked": Client().get(url(locked)),
        "locking passcode": guarded_client.post(url(guarded), {"passcode": "WRONG"}),
    }

    bodies = {name: r.content for name, r in responses.items()}
    assert {r.status_code for r in responses.values()} == {404}
    assert len(set(bodies.values())) == 1, bodies.keys()
    assert b"not available" in bodies["unknown"]
    for header in ("Content-Type", "Referrer-Policy", "X-Robots-Tag", "Cache-Control"):
        assert len({r[header] for r in responses.values()}) == 1, header


# S23
def test_the_audit_records_the_true_reason(clinician):
    link, token = make_link(actor=clinician)
    revoke_share_link(actor=clinician, link=link)
    Client().get(url(token))
    Client().get(url(tokens.new_token()))
    assert list(refusals(link).values_list("reason", "actor_type")) == [
        ("revoked", "share_link")
    ]
    unknown = refusals().get(actor_uuid__isnull=True)
    assert unknown.reason == "unknown"
    assert unknown.outcome == "denied"


# S23
def test_an_erasure_request_closes_the_link_at_once(clinician):
    link, token = make_link(actor=clinician)
    client = opened(token)
    assert client.get(url(token)).status_code == 200
    link.patient.blocked_at = timezone.now()
    link.patient.save(update_fields=["blocked_at"])
    assert client.get(url(token)).status_code == 404
    assert refusals(link).get().reason == "blocked"


# S30
def test_withdrawing_second_opinion_consent_closes_the_link_at_once(clinician):
    from consent.services import withdraw_consent

    link, token = make_link(actor=clinician)
    client = opened(token)
    assert client.get(url(token)).status_code == 200
    withdraw_consent(actor=clinician, patient=link.patient, purpose="second_opinion")
    assert client.get(url(token)).status_code == 404
    assert Client().post(url(token)).status_code == 404
    assert set(refusals(link).values_list("reason", flat=True)) == {"no_consent"}


# S30
def test_a_patient_without_second_opinion_consent_cannot_be_opened(clinician):
    link, token = make_link(actor=clinician, consent=False)
    assert Client().get(url(token)).status_code == 404
    assert refusals(link).get().reason == "no_consent"


# S25
@pytest.mark.parametrize("kind", ["open", "passcode", "refused"])
def test_share_pages_send_privacy_headers(clinician, kind):
    _, token = make_link(
        actor=clinician, passcode=PASSCODE if kind == "passcode" else None
    )
    response = Client().get(url(token if kind != "refused" else tokens.new_token()))
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "http" not in csp  # no other origin allowed
    body = response.content.decode()
    assert (
        "http://" not in body
        and "https://" not in body
        and "//" not in body.replace("<!--", "")
    )


def test_an_open_link_shows_the_practice_and_message(clinician):
    _, token = make_link(actor=clinician, message="Please look at the lesion.")
    response = opened(token).get(url(token))
    assert response.status_code == 200
    assert clinician.practice.name in response.content.decode()
    assert "Please look at the lesion." in response.content.decode()


def test_name_and_birth_date_are_hidden_unless_the_sender_ticked_it(clinician):
    link, token = make_link(actor=clinician)
    body = opened(token).get(url(token)).content.decode()
    assert "Lovelace" not in body and "1980" not in body
    _, token = make_link(actor=clinician, patient=link.patient, include_identity=True)
    body = opened(token).get(url(token)).content.decode()
    assert "Ada Lovelace" in body and "1980" in body


def test_a_link_with_a_passcode_asks_for_it_first(clinician):
    _, token = make_link(actor=clinician, passcode=PASSCODE, message="secret words")
    response = Client().get(url(token))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="passcode"' in body
    assert "secret words" not in body


# S23
def test_a_wrong_passcode_shows_the_form_again_with_the_tries_left(clinician):
    link, token = make_link(actor=clinician, passcode=PASSCODE, message="secret words")
    client = Client()
    response = client.post(url(token), {"passcode": "WRONG"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="passcode"' in body and "4 tries left before the link locks" in body
    assert "secret words" not in body and "WRONG" not in body
    assert response["Referrer-Policy"] == "no-referrer"
    for left in (3, 2, 1):
        body = client.post(url(token), {"passcode": "WRONG"}).content.decode()
        assert f"{left} tr" in body
    assert "1 try left" in body
    # The fifth locks the link: the neutral page, and the right passcode is too late.
    assert client.post(url(token), {"passcode": "WRONG"}).status_code == 404
    assert client.post(url(token), {"passcode": PASSCODE}).status_code == 404
    assert refusals(link).filter(reason="wrong_passcode").count() == 5


# S23
def test_the_right_passcode_after_a_wrong_one_opens_the_link(clinician):
    link, token = make_link(actor=clinician, passcode=PASSCODE, message="secret words")
    client = Client()
    client.post(url(token), {"passcode": "WRONG"})
    assert client.post(url(token), {"passcode": PASSCODE}).status_code == 302
    assert "secret words" in client.get(url(token)).content.decode()


# S24
def test_a_correct_passcode_rotates_the_session_and_opens_the_link(clinician, settings):
    link, token = make_link(actor=clinician, passcode=PASSCODE, message="secret words")
    client = Client()
    client.get(url(token))
    client.session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(url(token), {"passcode": PASSCODE.lower()})
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert "secret words" in client.get(url(token)).content.decode()
    link.refresh_from_db()
    assert link.opens == 1


# S24
def test_revoking_ends_open_sessions_at_once(clinician):
    link, token = make_link(actor=clinician, passcode=PASSCODE)
    client = Client()
    client.post(url(token), {"passcode": PASSCODE})
    assert client.get(url(token)).status_code == 200
    revoke_share_link(actor=clinician, link=link)
    assert client.get(url(token)).status_code == 404


# S24
def test_a_new_passcode_ends_open_sessions(clinician):
    link, token = make_link(actor=clinician, passcode=PASSCODE, message="secret words")
    client = Client()
    client.post(url(token), {"passcode": PASSCODE})
    assert "secret words" in client.get(url(token)).content.decode()
    _, new = change_passcode(actor=clinician, link=link)
    body = client.get(url(token)).content.decode()
    assert "secret words" not in body and 'name="passcode"' in body
    client.post(url(token), {"passcode": new})
    assert "secret words" in client.get(url(token)).content.decode()


# S6
def test_five_wrong_passcodes_lock_the_link_and_tell_the_sender(
    clinician, django_capture_on_commit_callbacks
):
    link, token = make_link(actor=clinician, passcode=PASSCODE)
    for attempt in range(1, 6):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(url(token), {"passcode": "NOPE"})
        # The form again until the fifth, which locks: then the neutral page (S23).
        assert response.status_code == (404 if attempt == 5 else 200)
    link.refresh_from_db()
    assert link.locked_at is not None
    # Locked means the right passcode no longer helps.
    assert Client().post(url(token), {"passcode": PASSCODE}).status_code == 404
    assert [m.to for m in mail.outbox] == [[clinician.user.email]]
    assert "locked" in mail.outbox[0].subject
    assert (
        AccessEvent.objects.filter(action="share_locked", actor_uuid=link.uuid).count()
        == 1
    )
    assert refusals(link).filter(reason="wrong_passcode").count() == 5
    assert refusals(link).filter(reason="locked").count() == 1


# S6
def test_unknown_tokens_from_one_address_are_throttled(clinician):
    _, token = make_link(actor=clinician)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(throttle.ADDRESS_FAILURE_LIMIT):
        assert client.get(url(tokens.new_token())).status_code == 404
    # Even a good link is refused from that address now, with a clear message.
    response = client.get(url(token))
    assert response.status_code == 429
    assert "Wait 15 minutes" in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    # Another address is not affected.
    assert Client(REMOTE_ADDR="203.0.113.10").get(url(token)).status_code == 200


# S6
def test_a_spoofed_forwarded_for_does_not_reset_the_count(clinician):
    _, token = make_link(actor=clinician)
    for n in range(throttle.ADDRESS_FAILURE_LIMIT):
        Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").get(
            url(tokens.new_token())
        )
    spoofed = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert spoofed.get(url(token)).status_code == 429


# S6
def test_wrong_passcodes_count_per_address_across_links(clinician):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(throttle.ADDRESS_FAILURE_LIMIT // 2):
        _, token = make_link(actor=clinician, passcode=PASSCODE)
        client.post(url(token), {"passcode": "NOPE"})
        client.post(url(token), {"passcode": "NOPE"})
    _, token = make_link(actor=clinician, passcode=PASSCODE)
    assert client.post(url(token), {"passcode": PASSCODE}).status_code == 429


# S6
def test_a_cache_outage_does_not_open_the_throttle(clinician, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    _, token = make_link(actor=clinician)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(throttle.ADDRESS_FAILURE_LIMIT):
        client.get(url(tokens.new_token()))
    assert client.get(url(token)).status_code == 429
    assert ShareFailure.objects.count() == throttle.ADDRESS_FAILURE_LIMIT


def test_old_failures_stop_counting(clinician, time_machine):
    _, token = make_link(actor=clinician, days=2)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(throttle.ADDRESS_FAILURE_LIMIT):
        client.get(url(tokens.new_token()))
    time_machine.move_to(
        timezone.now() + throttle.ADDRESS_WINDOW + timedelta(seconds=1)
    )
    assert client.get(url(token)).status_code == 200
    assert throttle.forget_old_failures() == throttle.ADDRESS_FAILURE_LIMIT


def test_every_open_is_audited_with_the_link_as_actor(clinician):
    link, token = make_link(actor=clinician)
    client = opened(token)
    client.get(url(token))
    opens = AccessEvent.objects.filter(action="share_opened", actor_uuid=link.uuid)
    assert [e.details["new_open"] for e in opens.order_by("seq")] == [True, False]
    assert {e.actor_type for e in opens} == {"share_link"}
    assert {e.patient_uuid for e in opens} == {link.patient.uuid}
    link.refresh_from_db()
    assert link.opens == 1 and link.last_opened_at is not None


def test_a_session_that_opened_the_link_survives_the_open_limit(clinician):
    link, token = make_link(actor=clinician, open_limit=1)
    first = opened(token)
    assert Client().post(url(token)).status_code == 404
    assert Client().get(url(token)).status_code == 404
    assert first.get(url(token)).status_code == 200
    assert list(refusals(link).values_list("reason", flat=True)) == ["exhausted"] * 2


# S10
def test_looking_at_a_link_does_not_use_up_an_open(clinician):
    link, token = make_link(actor=clinician, open_limit=1, message="secret words")
    for _ in range(3):  # a mail scanner, a link preview, the recipient
        body = Client().get(url(token)).content.decode()
        assert "Open the photographs" in body and "secret words" not in body
    link.refresh_from_db()
    assert link.opens == 0
    client = opened(token)
    assert "secret words" in client.get(url(token)).content.decode()
    link.refresh_from_db()
    assert link.opens == 1


def csrf_client(token):
    client = Client(enforce_csrf_checks=True)
    page = client.get(url(token)).content.decode()
    form_token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    return client, form_token


# S10 S25
def test_the_null_origin_of_a_no_referrer_page_is_accepted_with_the_token(clinician):
    _, token = make_link(actor=clinician)
    client, form_token = csrf_client(token)
    response = client.post(
        url(token), {"csrfmiddlewaretoken": form_token}, HTTP_ORIGIN="null"
    )
    assert response.status_code == 302


# S10
def test_recipient_posts_still_need_the_csrf_token(clinician):
    link, token = make_link(actor=clinician)
    client, form_token = csrf_client(token)
    assert client.post(url(token), {}, HTTP_ORIGIN="null").status_code == 403
    foreign = client.post(
        url(token),
        {"csrfmiddlewaretoken": form_token},
        HTTP_ORIGIN="https://evil.example",
    )
    assert foreign.status_code == 403
    link.refresh_from_db()
    assert link.opens == 0
