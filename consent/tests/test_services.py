"""Recording, immutability, templates, withdrawal, hooks and overrides (S30)."""

import pytest
from django.core.files.storage import default_storage

from audit.models import AccessEvent
from consent import hooks
from consent.exceptions import ConsentError, ConsentImmutable
from consent.models import Consent, ConsentAnswer, ConsentTemplate, Withdrawal
from consent.services import (
    ensure_default_templates,
    record_consent,
    revise_template,
    set_override_enabled,
    signature_png,
    start_override,
    withdraw_consent,
)
from consent.tests.factories import blank_png, make_consent, make_template
from consent.tests.factories import signature_png as drawn_png
from patients.tests.factories import make_patient


@pytest.fixture
def patient(clinician):
    return make_patient(actor=clinician, given_name="Ada", family_name="Lovelace")


@pytest.fixture
def template(practice):
    return make_template(practice=practice)


def answers(**given):
    base = dict.fromkeys(
        ["treatment", "second_opinion", "teaching", "publication"], None
    )
    base.update(given)
    return base


def record(patient, witness, template, **kw):
    kw.setdefault(
        "answers",
        answers(treatment=True, second_opinion=True, teaching=False, publication=False),
    )
    kw.setdefault("signature_png", drawn_png())
    return record_consent(actor=witness, patient=patient, template=template, **kw)


# S30
def test_consent_stores_answers_signer_witness_and_version(
    patient, assistant, template
):
    consent = record(patient, assistant, template)
    assert consent.granted == ["treatment", "second_opinion"]
    assert consent.refused == ["teaching", "publication"]
    assert consent.template == template and template.version == 1
    assert consent.witness == assistant
    assert consent.signer_name == "Ada Lovelace"
    assert consent.document.status == "pending"
    event = AccessEvent.objects.get(action="consent_recorded")
    assert event.details["granted"] == ["treatment", "second_opinion"]
    assert "Ada" not in str(event.details) and "Lovelace" not in str(event.details)


# S16/S30: the signature is an encrypted blob under the patient's prefix
def test_signature_is_stored_encrypted(patient, clinician, template):
    png = drawn_png()
    consent = record(patient, clinician, template, signature_png=png)
    assert consent.signature_blob.startswith(f"patients/{patient.uuid}/")
    with default_storage.open(consent.signature_blob, "rb") as handle:
        stored = handle.read()
    assert png not in stored and b"PNG" not in stored
    assert signature_png(consent) == png


# S30: a signed consent can never be edited
def test_signed_consent_cannot_be_saved_again(patient, clinician, template):
    consent = record(patient, clinician, template)
    consent.signer_name = "Someone Else"
    with pytest.raises(ConsentImmutable):
        consent.save()
    with pytest.raises(ConsentImmutable):
        Consent.objects.filter(pk=consent.pk).update(signer_name="x")
    answer = consent.answers.first()
    answer.granted = not answer.granted
    with pytest.raises(ConsentImmutable):
        answer.save()
    with pytest.raises(ConsentImmutable):
        ConsentAnswer.objects.filter(consent=consent).update(granted=True)
    consent.refresh_from_db()
    assert consent.signer_name == "Ada Lovelace"
    assert consent.granted == ["treatment", "second_opinion"]


# S30: and the database refuses it too (PostgreSQL trigger)
def test_database_refuses_update_of_a_signed_consent(patient, clinician, template):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only (CI runs it)")
    consent = record(patient, clinician, template)
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE consent_consentanswer SET granted = NOT granted "
            "WHERE consent_id = %s",
            [consent.pk],
        )


# S30: nothing pre-selected, nothing assumed
def test_every_purpose_must_be_answered(patient, clinician, template):
    with pytest.raises(ConsentError, match="every question"):
        record(patient, clinician, template, answers=answers())
    with pytest.raises(ConsentError, match="still open: Publication"):
        record(
            patient,
            clinician,
            template,
            answers=answers(treatment=True, second_opinion=False, teaching=False),
        )
    assert not Consent.objects.exists()


def test_empty_signature_is_refused(patient, clinician, template):
    with pytest.raises(ConsentError, match="Sign in the box"):
        record(patient, clinician, template, signature_png=blank_png())
    with pytest.raises(ConsentError, match="Sign in the box"):
        record(patient, clinician, template, signature_png=b"")
    with pytest.raises(ConsentError, match="could not be read"):
        record(patient, clinician, template, signature_png=b"GIF89a....")
    assert not Consent.objects.exists()


def test_missing_template_is_refused(patient, clinician):
    with pytest.raises(ConsentError, match="Choose the consent form"):
        record(patient, clinician, None)


def test_a_representative_gives_name_and_relation(patient, clinician, template):
    with pytest.raises(ConsentError, match="relation"):
        record(patient, clinician, template, by_representative=True, signer_name="Mo")
    consent = record(
        patient,
        clinician,
        template,
        by_representative=True,
        signer_name="Mo Lovelace",
        signer_relation="mother",
    )
    assert (consent.signer_name, consent.signer_relation) == ("Mo Lovelace", "mother")


def test_another_practices_template_or_patient_is_refused(patient, outsider, clinician):
    theirs = make_template(practice=outsider.practice)
    with pytest.raises(ConsentError):
        record(patient, clinician, theirs)
    with pytest.raises(ConsentError):
        record(patient, outsider, theirs)


# S30: versioned templates
def test_editing_a_template_makes_a_new_version(patient, owner, clinician, template):
    signed = record(patient, clinician, template)
    revised = revise_template(
        actor=owner,
        template=template,
        language="en-gb",
        title="New wording",
        body="Different text",
        purposes=["treatment", "teaching"],
    )
    template.refresh_from_db()
    assert revised.version == 2 and revised.family == template.family
    assert revised.is_current and not template.is_current
    signed = Consent.objects.get(pk=signed.pk)
    assert signed.template_id == template.pk
    assert signed.text.body == "We would like to take photographs."
    assert revised.text_in("en-gb").body == "Different text"
    with pytest.raises(ConsentError, match="revised"):
        record(patient, clinician, template)
    with pytest.raises(ConsentError, match="newer version"):
        revise_template(
            actor=owner,
            template=template,
            language="en-gb",
            title="x",
            body="y",
            purposes=["teaching"],
        )


def test_default_templates_are_seeded_once(practice):
    made = ensure_default_templates(practice=practice)
    assert len(made) == 4
    asked = {p for t in made for p in t.purposes}
    assert asked == {"treatment", "second_opinion", "teaching", "publication"}
    assert ensure_default_templates(practice=practice) == []
    assert ConsentTemplate.objects.filter(practice=practice).count() == 4


# S30: withdrawal
def test_withdrawal_is_audited_and_keeps_history(patient, clinician):
    consent = make_consent(patient=patient, witness=clinician, granted=["teaching"])
    withdrawal = withdraw_consent(
        actor=clinician, patient=patient, purpose="teaching", reason="Changed mind"
    )
    assert withdrawal.consent == consent and withdrawal.reason == "Changed mind"
    event = AccessEvent.objects.get(action="consent_withdrawn")
    assert event.details["purpose"] == "teaching"
    assert "Changed" not in str(event.details) and event.reason == ""
    with pytest.raises(ConsentError, match="no consent"):
        withdraw_consent(actor=clinician, patient=patient, purpose="teaching")
    assert Withdrawal.objects.count() == 1


def test_withdrawal_date_cannot_be_in_the_future(patient, clinician):
    from datetime import timedelta

    from django.utils import timezone

    make_consent(patient=patient, witness=clinician, granted=["teaching"])
    with pytest.raises(ConsentError, match="future"):
        withdraw_consent(
            actor=clinician,
            patient=patient,
            purpose="teaching",
            withdrawn_on=timezone.localdate() + timedelta(days=1),
        )


# S30: withdrawal stops the processing that depended on it
def test_withdrawal_runs_the_hooks_for_its_purpose(patient, clinician, monkeypatch):
    monkeypatch.setattr(hooks, "_callbacks", {})
    calls = []

    def unmark(*, patient, purpose, actor, withdrawal):
        from consent.checks import has_consent

        calls.append((patient.pk, purpose, has_consent(patient, purpose)))
        return ["Unmarked 2 photos for teaching"]

    def broken(**kwargs):
        raise RuntimeError("boom")

    hooks.on_withdrawal("teaching", unmark)
    hooks.on_withdrawal("teaching", unmark)  # once only
    hooks.on_withdrawal("teaching", broken)
    hooks.on_withdrawal("publication", lambda **kw: ["never"])
    make_consent(patient=patient, witness=clinician, granted=["teaching"])
    withdrawal = withdraw_consent(actor=clinician, patient=patient, purpose="teaching")
    assert calls == [(patient.pk, "teaching", False)]
    withdrawal.refresh_from_db()
    assert withdrawal.effects[0] == "Unmarked 2 photos for teaching"
    assert "failed" in withdrawal.effects[1]
    assert len(withdrawal.effects) == 2


def test_hook_for_unknown_purpose_is_refused():
    with pytest.raises(ValueError):
        hooks.on_withdrawal("marketing", lambda **kw: [])


# S30: emergency override
def test_override_needs_the_owner_to_enable_it(patient, clinician, owner):
    with pytest.raises(ConsentError, match="turned off"):
        start_override(actor=clinician, patient=patient, reason="Emergency surgery now")
    with pytest.raises(ConsentError, match="owner"):
        set_override_enabled(actor=clinician, enabled=True)
    set_override_enabled(actor=owner, enabled=True)
    override = start_override(
        actor=clinician, patient=patient, reason="Emergency surgery now"
    )
    event = AccessEvent.objects.get(action="consent_override")
    assert event.object_uuid == override.uuid and "surgery" not in str(event.details)


def test_override_needs_a_clinician_and_a_reason(patient, assistant, clinician, owner):
    set_override_enabled(actor=owner, enabled=True)
    with pytest.raises(ConsentError, match="clinician"):
        start_override(actor=assistant, patient=patient, reason="Emergency surgery now")
    with pytest.raises(ConsentError, match="State why"):
        start_override(actor=clinician, patient=patient, reason="  ")
