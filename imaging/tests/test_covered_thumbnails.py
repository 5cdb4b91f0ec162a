"""Covered thumbnails (imaging.middleware): cheap to serve, never a way around the rules.

A thumbnail the timeline listed (and audited once) is served from its cover
token with one read and no write. Every other case falls through to the full
stack and is answered as if there were no token: signed out, 404, or served
with an audit event of its own (S1, S4, S5, S8, S15, S26).
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import AccessEvent
from consent import kiosk
from imaging import covering
from imaging.middleware import CoveredThumbnailMiddleware
from imaging.services import delete_photo
from imaging.tests.factories import make_photo
from patients.tests.factories import make_patient, make_visit
from pixiodoc import blobs
from pixiodoc.accounts.sessions import end_all_sessions

JPEG = b"\xff\xd8\xff"


@pytest.fixture
def photo(clinician):
    return make_photo(actor=clinician)


def covered_url(member, photo):
    token = covering.cover_token(member=member, photo=photo)
    return f"{photo.url('thumb')}?c={token}"


def views_of(photo):
    return AccessEvent.objects.filter(
        action=Action.PHOTO_VIEWED, object_uuid=photo.uuid
    )


def served_covered(client, url):
    """The response, and whether the covered path answered it (one read, no write)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    sql = [q["sql"].lstrip().upper() for q in queries]
    return response, len(sql) == 1 and sql[0].startswith("SELECT")


# S15 S26
def test_a_thumbnail_the_timeline_listed_costs_one_read_and_no_write(
    client_for, clinician
):
    patient = make_patient(actor=clinician)
    photo = make_photo(
        actor=clinician, visit=make_visit(actor=clinician, patient=patient)
    )
    client = client_for(clinician)
    page = client.get(patient.get_absolute_url()).content.decode()
    thumb = re.search(rf'src="({photo.url("thumb")}\?c=[^"]+)"', page).group(1)
    events = AccessEvent.objects.count()

    response, covered = served_covered(client, thumb.replace("&amp;", "&"))

    assert response.status_code == 200 and covered
    assert AccessEvent.objects.count() == events  # the timeline's event covers it
    body = b"".join(response)
    assert body.startswith(JPEG)
    assert body == blobs.read_blob(
        photo.patient, obj=photo.uuid, label="thumb", name=photo.thumb_blob
    )
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Kept by this browser only, for less than the token lives (docs/imaging.md).
    assert response["Cache-Control"] == "private, max-age=600, immutable"
    assert response["ETag"] and "Pragma" not in response
    assert "sandbox" in response["Content-Security-Policy"]
    assert "sessionid" not in response.cookies  # the session was not touched


# The read is prepared after a few uses on PostgreSQL (pixiodoc.prepared): the
# rules must hold just the same once it is.
def test_the_rules_hold_once_the_read_is_prepared(client_for, clinician, photo):
    client, url = client_for(clinician), covered_url(clinician, photo)
    for _ in range(8):
        response, covered = served_covered(client, url)
        assert response.status_code == 200 and covered
    end_all_sessions(user=clinician.user)
    assert_signed_out(client.get(url))


# S26
def test_without_a_token_each_thumbnail_is_audited_on_its_own(
    client_for, clinician, photo
):
    response, covered = served_covered(client_for(clinician), photo.url("thumb"))
    assert response.status_code == 200 and not covered
    assert views_of(photo).get().details == {"rendition": "thumb"}


def token_for_other_member(clinician, assistant, photo):
    return covered_url(clinician, photo)


def expired_token(clinician, assistant, photo):
    with time_machine.travel(timedelta(minutes=-16)):
        return covered_url(assistant, photo)


def tampered_token(clinician, assistant, photo):
    url = covered_url(assistant, photo)
    return url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")


def forged_token(clinician, assistant, photo):
    # Right shape, signed with another key: a member id and photo of one's choosing.
    from django.core import signing

    token = signing.dumps(
        [assistant.pk, str(photo.uuid), "thumb"],
        key="not-the-secret-key",
        salt=covering.SALT,
    )
    return f"{photo.url('thumb')}?c={token}"


def thumbnail_token_on_the_display(clinician, assistant, photo):
    return covered_url(assistant, photo).replace("/thumb/", "/display/")


# S26: a token that does not fit is no token: served, but audited on its own
@pytest.mark.parametrize(
    "make_url",
    [
        token_for_other_member,
        expired_token,
        tampered_token,
        forged_token,
        thumbnail_token_on_the_display,
    ],
)
def test_a_token_that_does_not_fit_is_audited_like_no_token(
    client_for, clinician, assistant, photo, make_url
):
    url = make_url(clinician, assistant, photo)
    response, covered = served_covered(client_for(assistant), url)
    assert response.status_code == 200 and not covered
    event = views_of(photo).get()
    assert event.member == assistant


# S26
def test_a_token_for_another_photo_covers_nothing(client_for, clinician, photo):
    other = make_photo(actor=clinician)
    token = covering.cover_token(member=clinician, photo=other)
    url = f"{photo.url('thumb')}?c={token}"
    response, covered = served_covered(client_for(clinician), url)
    assert response.status_code == 200 and not covered
    assert views_of(photo).count() == 1


# S8
def test_another_practices_photo_is_a_404_token_or_not(
    client_for, clinician, outsider, photo
):
    for url in (covered_url(outsider, photo), covered_url(clinician, photo)):
        response, covered = served_covered(client_for(outsider), url)
        assert response.status_code == 404 and not covered
    assert not views_of(photo).exists()


# S8
def test_a_deleted_photo_is_gone_for_its_tokens_too(client_for, clinician, photo):
    url = covered_url(clinician, photo)
    client = client_for(clinician)
    delete_photo(actor=clinician, photo=photo, reason="wrong patient")
    assert client.get(url).status_code == 404


# S8: a patient blocked for erasure shows nothing
def test_a_blocked_patients_thumbnail_is_a_404(client_for, clinician, photo):
    from patients.models import Patient

    url = covered_url(clinician, photo)
    client = client_for(clinician)
    Patient.objects.filter(pk=photo.patient_id).update(blocked_at=timezone.now())
    response, covered = served_covered(client, url)
    assert response.status_code == 404 and not covered


def assert_signed_out(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# S5: access ends at once, not when the token runs out
def test_ending_the_members_sessions_stops_their_tokens(client_for, clinician, photo):
    url = covered_url(clinician, photo)
    client = client_for(clinician)
    assert client.get(url).status_code == 200
    end_all_sessions(user=clinician.user)
    assert_signed_out(client.get(url))


def test_signing_out_stops_the_tokens(client_for, clinician, photo):
    url = covered_url(clinician, photo)
    client = client_for(clinician)
    client.post("/accounts/logout/")
    assert_signed_out(client.get(url))


def test_a_deactivated_member_gets_no_thumbnail(client_for, clinician, photo):
    url = covered_url(clinician, photo)
    client = client_for(clinician)
    # Straight on the row: the check must not rely on sessions having been ended.
    clinician.is_active = False
    clinician.save(update_fields=["is_active"])
    response, covered = served_covered(client, url)
    assert response.status_code != 200 and not covered


def test_a_deactivated_user_gets_no_thumbnail(client_for, clinician, photo):
    url = covered_url(clinician, photo)
    client = client_for(clinician)
    type(clinician.user).objects.filter(pk=clinician.user_id).update(is_active=False)
    response, covered = served_covered(client, url)
    assert response.status_code != 200 and not covered


def test_a_role_that_may_not_see_patients_gets_no_thumbnail(
    client_for, clinician, photo
):
    url = covered_url(clinician, photo)
    client = client_for(clinician)
    clinician.role = "compliance"
    clinician.save(update_fields=["role"])
    response, covered = served_covered(client, url)
    assert response.status_code == 403 and not covered


# S4
def test_an_idle_session_gets_no_thumbnail_even_with_a_fresh_token(
    client_for, clinician, photo
):
    with time_machine.travel("2026-11-26 08:00:00+00:00", tick=False) as clock:
        client = client_for(clinician)
        session = client.session
        session.set_expiry(3600)  # the row outlives the idle limit (cache, skew)
        session.save()
        clock.shift(timedelta(minutes=16))
        response, covered = served_covered(client, covered_url(clinician, photo))
    assert not covered
    assert response.status_code == 302 and "ended=idle" in response["Location"]


# S4: the session row itself has run out
def test_an_expired_session_row_gets_no_thumbnail(
    client_for, clinician, photo, settings
):
    client = client_for(clinician)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response, covered = served_covered(client, covered_url(clinician, photo))
    assert response.status_code == 302 and not covered


def test_a_session_row_that_fails_its_signature_gets_no_thumbnail(
    client_for, clinician, photo, settings
):
    client = client_for(clinician)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    row = Session.objects.get(session_key=key)
    Session.objects.filter(session_key=key).update(
        session_data=row.session_data[:-2] + "xx"
    )
    response, covered = served_covered(client, covered_url(clinician, photo))
    assert response.status_code == 302 and not covered


def test_with_sessions_outside_the_database_the_full_stack_serves_every_thumbnail(
    settings,
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    with pytest.raises(MiddlewareNotUsed):
        CoveredThumbnailMiddleware(lambda request: None)


# S1
def test_a_session_without_its_second_factor_gets_no_thumbnail(
    client, clinician, photo
):
    client.force_login(clinician.user)  # password only
    response, covered = served_covered(client, covered_url(clinician, photo))
    assert response.status_code == 302 and not covered


def test_the_consent_kiosk_shows_no_thumbnail(client_for, clinician, photo):
    client = client_for(clinician)
    session = client.session
    session[kiosk.SESSION_KEY] = {"patient": str(photo.patient.uuid), "failures": 0}
    session.save()
    response, covered = served_covered(client, covered_url(clinician, photo))
    assert response.status_code == 302 and not covered
    assert response["Location"] == "/consent/kiosk/"


# S18
def test_a_damaged_thumbnail_falls_back_to_the_audited_placeholder(
    client_for, clinician, photo, blob_root
):
    path = blob_root / photo.thumb_blob
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    response = client_for(clinician).get(covered_url(clinician, photo))
    assert response["X-PixioDoc-Integrity"] == "failed"
    assert AccessEvent.objects.filter(action=Action.PHOTO_INTEGRITY_FAILED).exists()


# Issue 19: a revisit is answered from what the browser kept, after every check.
def test_a_revisit_gets_a_304_without_the_image_and_only_while_allowed(
    client_for, clinician, photo
):
    client, url = client_for(clinician), covered_url(clinician, photo)
    etag = client.get(url)["ETag"]
    events = AccessEvent.objects.count()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.content == b""
    assert len(queries) == 1 and response["Cache-Control"].startswith("private")
    assert AccessEvent.objects.count() == events
    other = client.get(url, headers={"If-None-Match": '"something else"'})
    assert other.status_code == 200 and b"".join(other).startswith(JPEG)

    end_all_sessions(user=clinician.user)
    assert_signed_out(client.get(url, headers={"If-None-Match": etag}))


def test_the_timeline_links_the_same_urls_within_a_window(client_for, clinician):
    visit = make_visit(actor=clinician, patient=make_patient(actor=clinician))
    photo = make_photo(actor=clinician, visit=visit)
    client = client_for(clinician)

    def thumbnail_url():
        page = client.get(visit.patient.get_absolute_url()).content.decode()
        return re.search(rf'src="({photo.url("thumb")}[^"]+)"', page)[1]

    with time_machine.travel("2026-11-26 08:00:10+00:00", tick=False) as clock:
        first = thumbnail_url()
        clock.shift(timedelta(minutes=4))
        assert thumbnail_url() == first  # the browser's cache answers it
        clock.shift(timedelta(minutes=1))
        assert thumbnail_url() != first


def test_an_audited_thumbnail_is_never_stored(client_for, clinician, photo):
    response = client_for(clinician).get(photo.url("thumb"))
    assert response["Cache-Control"] == "no-store, private"


def test_signing_out_clears_the_browsers_cache(client_for, clinician):
    response = client_for(clinician).post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache"'
