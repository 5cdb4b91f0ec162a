"""Consent pages: the kiosk, witness, viewing, copies, withdrawal, overrides (S30, S8)."""

import base64
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AccessEvent
from consent.documents import make_pdf
from consent.kiosk import SESSION_KEY
from consent.models import Consent, ConsentTemplate, Withdrawal
from consent.services import ensure_default_templates, set_override_enabled
from consent.tests.factories import blank_png, make_consent, make_template
from consent.tests.factories import signature_png as drawn_png
from patients.tests.factories import make_patient
from pixiodoc.testing import PASSWORD

ALL = ["treatment", "second_opinion", "teaching", "publication"]


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.fixture
def patient(clinician):
    return make_patient(
        actor=clinician,
        given_name="Ada",
        family_name="Lovelace",
        record_number="REC-77",
        email="ada@example.invalid",
    )


@pytest.fixture
def template(practice):
    return make_template(practice=practice, purposes=ALL)


@pytest.fixture
def kiosk_client(client_for, assistant, patient, template):
    client = client_for(assistant)
    response = client.post(
        reverse("consent:start", kwargs={"uuid": patient.uuid}),
        {"template": template.pk},
    )
    assert response.status_code == 302 and response["Location"] == "/consent/kiosk/"
    return client


def answers(**given):
    return {f"purpose_{k}": v for k, v in given.items()}


def good_post(**overrides):
    data = {
        **answers(
            treatment="yes", second_opinion="yes", teaching="no", publication="yes"
        ),
        "signer": "patient",
        "signature": data_url(drawn_png()),
        "witness_secret": PASSWORD,
        "language": "en-gb",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- starting --------------------------------------------------------------------


def test_start_lists_the_current_forms(client_for, assistant, patient, template):
    response = client_for(assistant).get(
        reverse("consent:start", kwargs={"uuid": patient.uuid})
    )
    assert response.status_code == 200
    assert template.title in response.content.decode()


def test_start_without_forms_offers_the_defaults(client_for, assistant, patient):
    client = client_for(assistant)
    url = reverse("consent:start", kwargs={"uuid": patient.uuid})
    assert "Add the default forms" in client.get(url).content.decode()
    assert not ConsentTemplate.objects.exists()  # GET changes nothing
    client.post(reverse("consent:add_defaults", kwargs={"uuid": patient.uuid}))
    assert ConsentTemplate.objects.filter(practice=assistant.practice).count() == 4


def test_start_without_choosing_a_form_says_so(
    client_for, assistant, patient, template
):
    response = client_for(assistant).post(
        reverse("consent:start", kwargs={"uuid": patient.uuid}), {}
    )
    assert "Choose the consent form to sign." in response.content.decode()


def test_another_practices_patient_is_a_404(client_for, outsider, patient):
    response = client_for(outsider).get(
        reverse("consent:start", kwargs={"uuid": patient.uuid})
    )
    assert response.status_code == 404


# --- the kiosk -------------------------------------------------------------------


# S30: nothing pre-selected; no other PHI; no navigation
def test_kiosk_shows_only_the_form(kiosk_client, template):
    html = kiosk_client.get(reverse("consent:kiosk")).content.decode()
    assert template.title in html
    for code in ALL:
        assert f'name="purpose_{code}" value="yes"' in html
    assert "checked" not in html
    assert "REC-77" not in html and "1980" not in html
    assert 'href="/patients/' not in html and "Sign out" not in html


def test_kiosk_locks_the_session_until_staff_leave(kiosk_client, patient):
    response = kiosk_client.get(reverse("patients:list"))
    assert response.status_code == 302 and response["Location"] == "/consent/kiosk/"
    response = kiosk_client.get(
        reverse("patients:timeline", kwargs={"uuid": patient.uuid})
    )
    assert response["Location"] == "/consent/kiosk/"
    leave = reverse("consent:kiosk_leave")
    response = kiosk_client.post(leave, {"witness_secret": "wrong password"})
    assert response.status_code == 200 and "not right" in response.content.decode()
    assert kiosk_client.get(reverse("patients:list"))["Location"] == "/consent/kiosk/"
    response = kiosk_client.post(leave, {"witness_secret": PASSWORD})
    assert response.status_code == 302
    assert kiosk_client.get(reverse("patients:list")).status_code == 200
    assert not Consent.objects.exists()


def test_five_wrong_staff_entries_sign_the_session_out(kiosk_client):
    for _ in range(5):
        response = kiosk_client.post(
            reverse("consent:kiosk_leave"), {"witness_secret": "guess"}
        )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert kiosk_client.get(reverse("patients:list")).status_code == 302
    assert AccessEvent.objects.filter(action="sign_in_failed").count() == 5


# S30
def test_signing_records_the_consent_and_unlocks(kiosk_client, patient, assistant):
    response = kiosk_client.post(reverse("consent:kiosk"), good_post())
    consent = Consent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "consent:detail", kwargs={"uuid": consent.uuid}
    )
    assert consent.patient == patient and consent.witness == assistant
    assert consent.granted == ["treatment", "second_opinion", "publication"]
    assert consent.refused == ["teaching"]
    assert SESSION_KEY not in kiosk_client.session
    assert kiosk_client.get(reverse("patients:list")).status_code == 200


def test_a_representative_signs_with_name_and_relation(kiosk_client):
    kiosk_client.post(
        reverse("consent:kiosk"),
        good_post(
            signer="representative", signer_name="Mo Lovelace", signer_relation="mother"
        ),
    )
    consent = Consent.objects.get()
    assert consent.signed_by_representative
    assert (consent.signer_name, consent.signer_relation) == ("Mo Lovelace", "mother")


def test_a_representative_without_relation_is_asked_for_it(kiosk_client):
    response = kiosk_client.post(
        reverse("consent:kiosk"),
        good_post(signer="representative", signer_name="Mo Lovelace"),
    )
    html = response.content.decode()
    assert "A representative gives their name and relation." in html
    assert 'value="Mo Lovelace"' in html
    assert not Consent.objects.exists()


# Bad input: clear message, entered data kept
def test_no_purpose_answered_keeps_what_was_entered(kiosk_client):
    signature = data_url(drawn_png())
    response = kiosk_client.post(
        reverse("consent:kiosk"),
        {
            "signer": "representative",
            "signer_name": "Mo Lovelace",
            "signer_relation": "mother",
            "signature": signature,
            "witness_secret": PASSWORD,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Answer yes or no for every question on the form." in html
    assert 'value="Mo Lovelace"' in html and signature in html
    assert not Consent.objects.exists()


def test_a_missing_answer_is_pointed_out(kiosk_client):
    response = kiosk_client.post(
        reverse("consent:kiosk"), good_post(purpose_publication=None)
    )
    html = response.content.decode()
    assert "Answer yes or no." in html
    # The answers given stay selected: three purposes and "the patient".
    assert html.count(" checked") == 4
    assert not Consent.objects.exists()


def test_empty_signature_is_refused(kiosk_client):
    response = kiosk_client.post(reverse("consent:kiosk"), good_post(signature=""))
    assert "Sign in the box" in response.content.decode()
    response = kiosk_client.post(
        reverse("consent:kiosk"), good_post(signature=data_url(blank_png()))
    )
    assert "Sign in the box" in response.content.decode()
    assert not Consent.objects.exists()


def test_wrong_witness_password_records_nothing(kiosk_client):
    response = kiosk_client.post(
        reverse("consent:kiosk"), good_post(witness_secret="nope")
    )
    assert "not right" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_revised_form_must_be_chosen_again(kiosk_client, template, owner):
    from consent.services import revise_template

    revise_template(
        actor=owner,
        template=template,
        language="en-gb",
        title="v2",
        body="b",
        purposes=ALL,
    )
    response = kiosk_client.post(reverse("consent:kiosk"), good_post())
    assert "no longer available" in response.content.decode()
    assert not Consent.objects.exists()


def test_kiosk_without_a_started_form_goes_back(client_for, assistant):
    response = client_for(assistant).get(reverse("consent:kiosk"))
    assert response.status_code == 302 and response["Location"] == "/patients/"


# --- viewing and copies ----------------------------------------------------------


@pytest.fixture
def consent(patient, clinician):
    return make_consent(
        patient=patient, witness=clinician, granted=["treatment"], refused=["teaching"]
    )


def test_viewing_a_consent_is_audited(client_for, assistant, consent):
    response = client_for(assistant).get(
        reverse("consent:detail", kwargs={"uuid": consent.uuid})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Yes, consent given" in html and "No, consent refused" in html
    assert "data:image/png;base64," in html
    event = AccessEvent.objects.get(action="consent_viewed")
    assert event.object_uuid == consent.uuid


def test_another_practice_cannot_see_a_consent(client_for, outsider, consent):
    for name in ("consent:detail", "consent:print", "consent:pdf"):
        response = client_for(outsider).get(
            reverse(name, kwargs={"uuid": consent.uuid})
        )
        assert response.status_code == 404


def test_compliance_cannot_see_consents(client_for, compliance, consent):
    response = client_for(compliance).get(
        reverse("consent:detail", kwargs={"uuid": consent.uuid})
    )
    assert response.status_code == 403


# S30: a signed consent can never be edited — there is no URL that would
def test_a_signed_consent_has_no_edit_url(client_for, owner, consent):
    from django.urls import get_resolver

    names = get_resolver().reverse_dict.keys()
    patterns = [p for p in get_resolver().url_patterns if str(p.pattern) == "consent/"]
    routes = [str(p.pattern) for p in patterns[0].url_patterns]
    assert not [r for r in routes if r.startswith("<uuid:uuid>/") and "edit" in r]
    assert not [n for n in names if isinstance(n, str) and "consent_edit" in n]
    before = (consent.signer_name, consent.granted)
    response = client_for(owner).post(
        reverse("consent:detail", kwargs={"uuid": consent.uuid}),
        {"signer_name": "Changed", "purpose_teaching": "yes"},
    )
    assert response.status_code == 405
    consent = Consent.objects.get(pk=consent.pk)
    assert (consent.signer_name, consent.granted) == before


def test_pdf_download_is_audited(client_for, assistant, consent):
    client = client_for(assistant)
    url = reverse("consent:pdf", kwargs={"uuid": consent.uuid})
    response = client.get(url)
    assert response.status_code == 302  # not ready yet: back with a message
    make_pdf(consent_uuid=consent.uuid)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert AccessEvent.objects.filter(action="consent_downloaded").count() == 1


def test_print_page_is_audited(client_for, assistant, consent):
    response = client_for(assistant).get(
        reverse("consent:print", kwargs={"uuid": consent.uuid})
    )
    assert response.status_code == 200
    assert "js/print.js" in response.content.decode()
    assert AccessEvent.objects.get(action="consent_viewed").details == {"via": "print"}


def test_email_sends_the_pdf_to_the_patient(client_for, assistant, consent):
    make_pdf(consent_uuid=consent.uuid)
    response = client_for(assistant).post(
        reverse("consent:email", kwargs={"uuid": consent.uuid})
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["ada@example.invalid"]
    assert "Ada" not in message.subject
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    event = AccessEvent.objects.get(action="consent_downloaded")
    assert event.details == {"via": "email"}


def test_email_without_an_address_says_what_to_do(client_for, assistant, clinician):
    patient = make_patient(actor=clinician)
    consent = make_consent(patient=patient, witness=clinician, granted=["treatment"])
    make_pdf(consent_uuid=consent.uuid)
    client = client_for(assistant)
    response = client.post(
        reverse("consent:email", kwargs={"uuid": consent.uuid}), follow=True
    )
    assert "no e-mail address" in response.content.decode()
    assert not mail.outbox


# --- withdrawal and override -----------------------------------------------------


# S30
def test_withdrawal_from_the_patient_page(client_for, assistant, patient, consent):
    url = reverse("consent:withdraw", kwargs={"uuid": patient.uuid})
    # GET only asks: it names the patient and withdraws nothing.
    page = client_for(assistant).get(url + "?purpose=treatment").content.decode()
    assert "Withdraw consent to treatment documentation?" in page
    assert patient.record_number in page and not Withdrawal.objects.exists()
    response = client_for(assistant).post(
        url,
        {"purpose": "treatment", "withdrawn_on": "", "reason": "Moved away"},
        follow=True,
    )
    assert "Give the date" in response.content.decode()
    response = client_for(assistant).post(
        url,
        {
            "purpose": "treatment",
            "withdrawn_on": str(date.today()),
            "reason": "Moved away",
        },
        follow=True,
    )
    assert "withdrawn" in response.content.decode()
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.purpose == "treatment" and withdrawal.reason == "Moved away"
    assert AccessEvent.objects.filter(action="consent_withdrawn").count() == 1


# S30, S26
def test_withdrawal_confirmation_names_the_patient_and_is_audited(
    client_for, assistant, patient, consent
):
    url = reverse("consent:withdraw", kwargs={"uuid": patient.uuid})
    response = client_for(assistant).get(url + "?purpose=treatment")
    page = response.content.decode()
    assert patient.family_name in page
    assert patient.date_of_birth.strftime("%-d %b %Y") in page
    assert "No new photo can be taken" in page
    # The date of withdrawal starts at today, in the form a date input shows.
    assert f'value="{date.today().isoformat()}"' in page
    event = AccessEvent.objects.get(action="patient_viewed")
    assert event.patient_uuid == patient.uuid
    assert event.details["page"] == "withdraw_consent"
    assert {"name", "record_number", "date_of_birth"} <= set(event.details["shown"])


def test_withdrawal_confirmation_refuses_a_purpose_not_given(
    client_for, assistant, patient, consent
):
    url = reverse("consent:withdraw", kwargs={"uuid": patient.uuid})
    response = client_for(assistant).get(url + "?purpose=teaching", follow=True)
    assert "nothing to withdraw" in response.content.decode()
    assert not AccessEvent.objects.filter(action="patient_viewed").exists()


def test_override_from_the_patient_page(client_for, clinician, owner, patient):
    set_override_enabled(actor=owner, enabled=True)
    url = reverse("consent:override", kwargs={"uuid": patient.uuid})
    client_for(clinician).post(url, {"reason": "Severe burns, theatre now"})
    timeline = client_for(clinician).get(
        reverse("patients:timeline", kwargs={"uuid": patient.uuid})
    )
    assert "Emergency override" in timeline.content.decode()
    assert AccessEvent.objects.filter(action="consent_override").count() == 1


# --- the timeline section --------------------------------------------------------


def test_timeline_shows_state_at_a_glance(client_for, assistant, patient, consent):
    html = (
        client_for(assistant)
        .get(reverse("patients:timeline", kwargs={"uuid": patient.uuid}))
        .content.decode()
    )
    assert 'id="consent"' in html and "Record consent" in html
    assert "Given" in html and "Refused" in html and "Not asked" in html
    assert "Treatment documentation: given" in html
    # Only a given purpose offers withdrawal (through its confirmation page).
    withdraw = reverse("consent:withdraw", kwargs={"uuid": patient.uuid})
    assert f"{withdraw}?purpose=treatment" in html
    assert f"{withdraw}?purpose=teaching" not in html


def test_timeline_query_count_does_not_grow(
    client_for, assistant, patient, clinician, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(assistant)
    url = reverse("patients:timeline", kwargs={"uuid": patient.uuid})
    make_consent(patient=patient, witness=clinician, granted=["treatment"])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        make_consent(patient=patient, witness=clinician, granted=["teaching"])
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(four) == len(one)


# --- the practice's forms --------------------------------------------------------


def test_only_owners_manage_forms(client_for, clinician, owner):
    assert client_for(clinician).get(reverse("consent:templates")).status_code == 403
    assert client_for(owner).get(reverse("consent:templates")).status_code == 200


def test_editing_a_form_saves_a_new_version(client_for, owner, template):
    client = client_for(owner)
    url = reverse("consent:template_edit", kwargs={"uuid": template.uuid})
    assert template.text_in("en-gb").body in client.get(url).content.decode()
    response = client.post(
        url, {"title": "Clearer", "body": "New <b>words</b>", "purposes": ["treatment"]}
    )
    assert response.status_code == 302
    current = ConsentTemplate.objects.get(family=template.family, is_current=True)
    assert current.version == 2 and current.purposes == ["treatment"]
    assert client.get(url).status_code == 404  # the old version is no longer editable


def test_owner_adds_default_forms_and_sets_override(client_for, owner):
    client = client_for(owner)
    client.post(reverse("consent:template_defaults"))
    assert ConsentTemplate.objects.count() == 4
    client.post(
        reverse("consent:override_setting"), {"emergency_override_enabled": "on"}
    )
    from consent.services import override_enabled

    assert override_enabled(owner.practice)
    client.post(reverse("consent:override_setting"), {})
    assert not override_enabled(owner.practice)


def test_form_wording_is_escaped(client_for, owner, practice, patient, assistant):
    ensure_default_templates(practice=practice)
    evil = make_template(
        practice=practice,
        body='**Read** this <script>alert(1)</script> <a href="https://x">x</a>',
    )
    client = client_for(assistant)
    client.post(
        reverse("consent:start", kwargs={"uuid": patient.uuid}), {"template": evil.pk}
    )
    html = client.get(reverse("consent:kiosk")).content.decode()
    assert "<strong>Read</strong>" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert '<a href="https://x">' not in html


def test_an_expired_override_stays_flagged_until_consent(
    client_for, clinician, owner, patient
):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from consent.services import start_override

    set_override_enabled(actor=owner, enabled=True)
    start_override(actor=clinician, patient=patient, reason="Severe burns, theatre now")
    url = reverse("patients:timeline", kwargs={"uuid": patient.uuid})
    html = client_for(clinician).get(url).content.decode()
    assert "Photos may be taken without consent until" in html
    assert "Start emergency override" not in html
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        html = client_for(clinician).get(url).content.decode()
        assert "The override has expired" in html
        assert "Start emergency override" in html
        make_consent(patient=patient, witness=clinician, granted=["treatment"])
        html = client_for(clinician).get(url).content.decode()
        assert "Emergency override</strong>" not in html


def test_staff_may_witness_with_their_authenticator_code(kiosk_client, assistant):
    from django_otp.oath import totp

    device = assistant.user.authenticatordevice_set.get()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = kiosk_client.post(
        reverse("consent:kiosk"), good_post(witness_secret=code)
    )
    assert response.status_code == 302
    assert Consent.objects.get().witness == assistant
