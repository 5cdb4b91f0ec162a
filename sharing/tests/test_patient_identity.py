"""The patient link's identity check (issue 15 point 2): S6, S21, S23, S24, S25."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from audit.models import AccessEvent
from consent.services import withdraw_consent
from patients.lifecycle.erasure import request_erasure
from sharing import throttle, tokens
from sharing.models import PatientLink, ShareFailure
from sharing.patient_links import revoke_patient_link
from sharing.tests.factories import make_patient_link, pass_identity

pytestmark = pytest.mark.django_db

WRONG = "1980-12-11"


def url(token):
    return f"/p/{token}/"


# S23
def test_unknown_expired_revoked_and_locked_links_look_the_same(clinician):
    unknown = tokens.new_token()
    expired_link, expired = make_patient_link(actor=clinician)
    PatientLink.objects.filter(pk=expired_link.pk).update(
        created_at=timezone.now() - timedelta(days=3),
        expires_at=timezone.now() - timedelta(days=1),
    )
    revoked_link, revoked = make_patient_link(actor=clinician)
    revoke_patient_link(actor=clinician, link=revoked_link)
    locked_link, locked = make_patient_link(actor=clinician)
    PatientLink.objects.filter(pk=locked_link.pk).update(locked_at=timezone.now())

    responses = [Client().get(url(t)) for t in (unknown, expired, revoked, locked)]

    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1
    reasons = AccessEvent.objects.filter(action="patient_link_refused").values_list(
        "reason", flat=True
    )
    assert sorted(reasons) == ["expired", "locked", "revoked", "unknown"]


# S25
def test_the_identity_form_shows_nothing_of_the_patient_and_sends_s25_headers(
    clinician,
):
    link, token = make_patient_link(actor=clinician)

    response = Client().get(url(token))

    assert response.status_code == 200
    assert b"date_of_birth" in response.content
    assert b"Lovelace" not in response.content and b"Ada" not in response.content
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Cache-Control"] == "no-store, private"


# S24
def test_the_right_date_of_birth_opens_the_link_in_a_new_session(clinician):
    link, token = make_patient_link(actor=clinician)
    client = Client()
    client.get(url(token))
    before = client.session.session_key

    response = pass_identity(client, token)

    assert response.status_code == 302
    assert client.session.session_key != before
    home = client.get(url(token))
    assert b"Your consents" in home.content
    link.refresh_from_db()
    assert link.sessions == 1
    opened = AccessEvent.objects.get(action="patient_link_opened")
    assert opened.actor_type == "patient_link" and opened.actor_uuid == link.uuid
    assert opened.practice_id == link.practice_id


# S23
def test_a_wrong_answer_shows_the_same_form_with_a_neutral_line(clinician):
    link, token = make_patient_link(actor=clinician)

    response = pass_identity(Client(), token, date_of_birth=WRONG)

    assert response.status_code == 200
    assert b"Those answers do not match" in response.content
    assert b"date_of_birth" in response.content
    link.refresh_from_db()
    assert link.failed_checks == 1 and link.locked_at is None
    failure = ShareFailure.objects.get()
    assert failure.kind == "wrong_identity"


# S6
def test_five_wrong_answers_lock_the_link_and_tell_the_practice(
    clinician, owner, django_capture_on_commit_callbacks
):
    link, token = make_patient_link(actor=clinician)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            pass_identity(client, token, date_of_birth=WRONG).status_code
            for _ in range(5)
        ]

    assert statuses == [200, 200, 200, 200, 404]
    link.refresh_from_db()
    assert link.failed_checks == 5 and link.locked_at is not None
    # Locked: even the right answer now meets the neutral page.
    assert pass_identity(Client(), token).status_code == 404
    assert AccessEvent.objects.filter(action="patient_link_locked").count() == 1
    (notice,) = mail.outbox
    assert set(notice.to) == {clinician.user.email, owner.user.email}
    assert "Lovelace" not in notice.body and "Ada" not in notice.body
    # Neither the answer given nor the real date of birth (10 Dec 1980), in any
    # common writing; a bare "1980" could be part of the link's uuid.
    for written in (WRONG, "1980-12-10", "10/12/1980", "11/12/1980", "Dec 1980"):
        assert written not in notice.body


def test_the_surname_letters_are_asked_when_the_link_says_so(clinician):
    link, token = make_patient_link(actor=clinician, ask_surname=True)

    wrong = pass_identity(Client(), token, surname="abc")
    right = pass_identity(Client(), token, surname="ACE")
    whole_name = pass_identity(Client(), token, surname="Lovelace")

    assert wrong.status_code == 200 and b"do not match" in wrong.content
    assert right.status_code == 302 and whole_name.status_code == 302


def test_the_surname_alone_without_the_date_of_birth_is_not_enough(clinician):
    link, token = make_patient_link(actor=clinician, ask_surname=True)

    response = pass_identity(Client(), token, date_of_birth=WRONG, surname="ace")

    assert response.status_code == 200
    link.refresh_from_db()
    assert link.failed_checks == 1


# S6 S43
def test_an_address_with_too_many_failures_is_throttled(clinician):
    for _ in range(throttle.ADDRESS_FAILURE_LIMIT):
        ShareFailure.objects.create(ip="127.0.0.1", kind="wrong_identity")
    link, token = make_patient_link(actor=clinician)

    response = pass_identity(Client(), token)

    assert response.status_code == 429
    link.refresh_from_db()
    assert link.sessions == 0


# S22
def test_the_session_limit_holds(clinician):
    link, token = make_patient_link(actor=clinician, session_limit=2)

    statuses = [pass_identity(Client(), token).status_code for _ in range(3)]

    assert statuses == [302, 302, 404]
    assert AccessEvent.objects.filter(reason="exhausted").count() == 1


# S24
def test_revoking_ends_an_open_session_at_once(clinician):
    link, token = make_patient_link(actor=clinician)
    client = Client()
    pass_identity(client, token)

    revoke_patient_link(actor=clinician, link=link)

    assert client.get(url(token)).status_code == 404


def test_withdrawing_treatment_consent_closes_the_link_at_once(clinician):
    link, token = make_patient_link(actor=clinician)
    client = Client()
    pass_identity(client, token)

    withdraw_consent(actor=clinician, patient=link.patient, purpose="treatment")

    assert client.get(url(token)).status_code == 404
    assert AccessEvent.objects.filter(reason="no_treatment_consent").exists()


def test_an_erasure_request_closes_the_link_before_its_approval(clinician):
    link, token = make_patient_link(actor=clinician)
    client = Client()
    pass_identity(client, token)

    request_erasure(actor=clinician, patient=link.patient, asked_on=date.today())

    assert client.get(url(token)).status_code == 404
    assert AccessEvent.objects.filter(
        action="patient_link_refused", reason="blocked"
    ).exists()
