"""Share recipients read the pages in their browser's language (issue 18).

The recipient is a colleague elsewhere: the pages follow Accept-Language, and
the neutral refusal stays one and the same page within a language (S23).
"""

import pytest
from django.test import Client

from sharing import tokens
from sharing.services import revoke_share_link
from sharing.tests.factories import make_link

PASSCODE = "ABCD23EFGH"

# (Accept-Language, the refusal's heading, the passcode page's "4 tries left")
LANGUAGES = [
    ("fr-FR,fr;q=0.9", "fr", "Non disponible", "Il reste 4 essais avant le blocage"),
    ("de-DE,de;q=0.9", "de", "Dieser Link ist nicht verfügbar", "Noch 4 Versuche"),
    ("es-ES,es;q=0.9", "es", "Este enlace no está disponible", "Quedan 4 intentos"),
]


@pytest.mark.parametrize(("accept", "code", "heading", "_tries"), LANGUAGES)
def test_the_refusal_speaks_the_recipients_language(
    clinician, accept, code, heading, _tries
):
    link, revoked = make_link(actor=clinician)
    revoke_share_link(actor=clinician, link=link)
    unknown = tokens.new_token()

    responses = [
        Client().get(f"/s/{token}/", HTTP_ACCEPT_LANGUAGE=accept)
        for token in (unknown, revoked)
    ]

    bodies = {r.content for r in responses}
    assert {r.status_code for r in responses} == {404}
    assert len(bodies) == 1  # still one neutral page, in this language
    body = bodies.pop().decode()
    assert heading in body and f'<html lang="{code}">' in body
    assert "This link is not available" not in body


@pytest.mark.parametrize(("accept", "code", "_heading", "tries"), LANGUAGES)
def test_the_passcode_page_speaks_the_recipients_language(
    clinician, accept, code, _heading, tries
):
    _, token = make_link(actor=clinician, passcode=PASSCODE)
    client = Client(HTTP_ACCEPT_LANGUAGE=accept)

    asked = client.get(f"/s/{token}/").content.decode()
    wrong = client.post(f"/s/{token}/", {"passcode": "WRONG"}).content.decode()

    assert f'<html lang="{code}">' in asked and "Enter the passcode" not in asked
    assert tries in wrong and "tries left" not in wrong


def test_an_english_browser_keeps_the_english_pages(clinician):
    _, token = make_link(actor=clinician, passcode=PASSCODE)
    body = (
        Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
        .post(f"/s/{token}/", {"passcode": "WRONG"})
        .content.decode()
    )
    assert "4 tries left before the link locks" in body


def test_the_lock_notice_is_in_the_senders_language_not_the_recipients(
    clinician, django_capture_on_commit_callbacks
):
    from django.core import mail

    clinician.language = "de"
    clinician.save(update_fields=["language"])
    _, token = make_link(actor=clinician, passcode=PASSCODE)
    recipient = Client(HTTP_ACCEPT_LANGUAGE="fr")
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            recipient.post(f"/s/{token}/", {"passcode": "NOPE"})

    [notice] = mail.outbox
    assert notice.subject == "Ein von Ihnen erstellter Freigabelink wurde blockiert"
    assert "nach fünf falschen Zugangscodes blockiert" in notice.body


def test_a_patients_page_shows_dates_in_the_practices_time_zone(
    clinician, time_machine
):
    from datetime import UTC, datetime

    from consent.tests.factories import make_consent
    from sharing.tests.factories import make_patient_link, pass_identity

    clinician.practice.time_zone = "Pacific/Auckland"
    clinician.practice.save(update_fields=["time_zone"])
    # 23:30 UTC on 1 March is already 2 March in Auckland, where the form was signed.
    time_machine.move_to(datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    link, token = make_patient_link(actor=clinician, consent=False)
    make_consent(patient=link.patient, witness=clinician, granted=["treatment"])

    client = Client(headers={"accept-language": "en"})
    pass_identity(client, token)
    body = client.get(f"/p/{token}/").content.decode()

    assert "Consent signed 2 Mar 2026" in body or "Consent signed 2 March 2026" in body
    assert "1 Mar" not in body
