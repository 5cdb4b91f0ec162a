"""Consent rows in the change log (S29) with PHI masked (S27), and in the admin (S9)."""

from datetime import date

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse

from audit.changelog import MASK, registered_models
from audit.tests.factories import change_log_text
from consent import services
from consent.documents import make_pdf
from consent.models import (
    Consent,
    ConsentAnswer,
    ConsentDocument,
    ConsentOverride,
    ConsentSettings,
    ConsentTemplate,
    Withdrawal,
)
from consent.tests.factories import make_consent, make_template
from patients.tests.factories import make_patient

PLANTED = ("Quetzalcoatlina", "Xylophonovska", "Vermillionite", "Cerulite")
CONSENT_MODELS = (
    ConsentSettings,
    ConsentTemplate,
    Consent,
    ConsentAnswer,
    ConsentDocument,
    Withdrawal,
    ConsentOverride,
)


def _signed(patient, witness):
    return make_consent(
        patient=patient,
        witness=witness,
        granted=["treatment", "teaching"],
        signer_name=PLANTED[0],
        signer_relation=PLANTED[1],
        by_representative=True,
    )


def test_every_consent_model_is_in_the_change_log():
    assert set(CONSENT_MODELS) <= set(registered_models())


# S27, S29
def test_consent_changes_are_logged_with_their_actor_and_no_phi(
    owner, clinician, client_for
):
    patient = make_patient(actor=clinician)
    with set_actor(clinician.user):
        consent = _signed(patient, clinician)
        make_pdf(consent_uuid=consent.uuid)
        services.withdraw_consent(
            actor=clinician, patient=patient, purpose="teaching", reason=PLANTED[2]
        )
    with set_actor(owner.user):
        services.set_override_enabled(actor=owner, enabled=True)
        services.start_override(
            actor=owner,
            patient=make_patient(actor=owner),
            reason=f"Urgent wound photographs for {PLANTED[3]} tonight",
        )
    # Through a page the actor comes from the request (auditlog's middleware).
    client_for(clinician).post(
        reverse("consent:withdraw", kwargs={"uuid": patient.uuid}),
        {"purpose": "treatment", "withdrawn_on": str(date.today()), "reason": "x"},
    )

    for model in CONSENT_MODELS:
        entries = LogEntry.objects.filter(
            content_type__app_label="consent",
            content_type__model=model._meta.model_name,
        )
        assert entries.exists(), model
        assert all(e.actor in (owner.user, clinician.user) for e in entries), model
    signed = LogEntry.objects.get_for_object(consent).get()
    assert signed.changes["signer_name"] == [MASK, MASK]
    assert signed.object_repr == f"consent {consent.uuid}"
    assert "signature_sha256" not in signed.changes
    by_page = LogEntry.objects.get_for_object(
        Withdrawal.objects.get(purpose="treatment")
    ).get()
    assert by_page.actor == clinician.user
    assert by_page.changes["withdrawn_on"] == [MASK, MASK]
    text = change_log_text()
    for planted in PLANTED:
        assert planted not in text


# S30: a signed consent is still never changed, the change log included.
def test_the_log_does_not_open_a_way_to_change_a_signed_consent(clinician):
    consent = _signed(make_patient(actor=clinician), clinician)
    with pytest.raises(Exception, match="cannot be changed"):
        Consent.objects.filter(pk=consent.pk).update(signed_by_representative=False)
    assert LogEntry.objects.get_for_object(consent).count() == 1


# --- admin (S9) --------------------------------------------------------------------


@pytest.fixture
def consents(owner, outsider):
    mine = _signed(make_patient(actor=owner), owner)
    theirs = make_consent(
        patient=make_patient(actor=outsider), witness=outsider, granted=["treatment"]
    )
    return mine, theirs


# S9
def test_owners_see_their_practices_consents_read_only_and_without_phi(
    client_for, owner, consents
):
    mine, theirs = consents
    admin = client_for(owner)
    listing = admin.get("/admin/consent/consent/").content.decode()
    assert str(mine.uuid) in listing and str(theirs.uuid) not in listing
    page = admin.get(f"/admin/consent/consent/{mine.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Treatment documentation" in text  # the answers, inline
    assert PLANTED[0] not in text and PLANTED[1] not in text
    assert 'name="_save"' not in text
    response = admin.post(
        f"/admin/consent/consent/{mine.pk}/change/", {"signed_by_representative": ""}
    )
    assert response.status_code == 403
    assert admin.post(f"/admin/consent/consent/{mine.pk}/delete/").status_code == 403
    assert Consent.objects.filter(pk=mine.pk).exists()


# S9
@pytest.mark.parametrize(
    "path",
    [
        "consent/{pk}/change/",
        "withdrawal/",
        "consentoverride/",
        "consenttemplate/",
        "consentsettings/",
    ],
)
def test_another_practices_consent_rows_are_not_shown(
    client_for, owner, outsider, consents, path
):
    _mine, theirs = consents
    make_template(practice=outsider.practice, title="Elsewhere form")
    response = client_for(owner).get("/admin/consent/" + path.format(pk=theirs.pk))
    assert response.status_code in (200, 302, 404)
    body = response.content.decode()
    assert str(theirs.uuid) not in body and "Elsewhere form" not in body
    if response.status_code == 302:
        assert str(theirs.pk) not in response["Location"]
