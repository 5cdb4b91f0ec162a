"""has_consent and the capture check: the one enforcement function (S30)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from consent.checks import (
    active_override,
    capture_allowed,
    has_consent,
    open_override,
    purpose_states,
    require_capture_allowed,
    require_consent,
)
from consent.exceptions import ConsentRequired
from consent.services import set_override_enabled, start_override, withdraw_consent
from consent.tests.factories import make_consent
from patients.tests.factories import make_patient


@pytest.fixture
def patient(clinician):
    return make_patient(actor=clinician)


# S30
def test_no_consent_means_no(patient):
    for purpose in ("treatment", "second_opinion", "teaching", "publication"):
        assert has_consent(patient, purpose) is False


# S30
def test_granted_purposes_only(patient, clinician):
    make_consent(
        patient=patient,
        witness=clinician,
        granted=["treatment", "teaching"],
        refused=["publication"],
    )
    assert has_consent(patient, "treatment")
    assert has_consent(patient, "teaching")
    assert not has_consent(patient, "publication")
    assert not has_consent(patient, "second_opinion")  # never asked


def test_unknown_purpose_is_a_programming_error(patient):
    with pytest.raises(ValueError):
        has_consent(patient, "marketing")


# S30
def test_latest_answer_wins(patient, clinician):
    with time_machine.travel("2026-01-10 10:00Z"):
        make_consent(patient=patient, witness=clinician, granted=["teaching"])
    with time_machine.travel("2026-02-10 10:00Z"):
        make_consent(patient=patient, witness=clinician, refused=["teaching"])
    with time_machine.travel("2026-03-01 10:00Z"):
        assert not has_consent(patient, "teaching")
        assert has_consent(patient, "teaching", at=timezone.now() - timedelta(days=30))
        assert not has_consent(
            patient, "teaching", at=timezone.now() - timedelta(days=60)
        )


# S30
def test_withdrawal_counts_at_once(patient, clinician):
    make_consent(patient=patient, witness=clinician, granted=["second_opinion"])
    before = timezone.now()
    assert has_consent(patient, "second_opinion")
    withdraw_consent(actor=clinician, patient=patient, purpose="second_opinion")
    assert not has_consent(patient, "second_opinion")
    # ... and history still answers for the time before it.
    assert has_consent(patient, "second_opinion", at=before)


# S30
def test_a_new_consent_after_withdrawal_grants_again(patient, clinician):
    make_consent(patient=patient, witness=clinician, granted=["teaching"])
    withdraw_consent(actor=clinician, patient=patient, purpose="teaching")
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        make_consent(patient=patient, witness=clinician, granted=["teaching"])
        assert has_consent(patient, "teaching")


def test_blocked_patient_has_no_consent(patient, clinician):
    make_consent(patient=patient, witness=clinician, granted=["treatment"])
    type(patient).objects.filter(pk=patient.pk).update(blocked_at=timezone.now())
    patient.refresh_from_db()
    assert not has_consent(patient, "treatment")


def test_require_consent_says_how_to_fix_it(patient):
    with pytest.raises(ConsentRequired) as caught:
        require_consent(patient, "second_opinion")
    assert caught.value.purpose == "second_opinion"
    assert "Record consent" in str(caught.value)


def test_capture_needs_treatment_consent(patient, clinician):
    assert not capture_allowed(patient)
    with pytest.raises(ConsentRequired, match="Record consent"):
        require_capture_allowed(patient)
    make_consent(patient=patient, witness=clinician, granted=["treatment"])
    assert capture_allowed(patient)
    require_capture_allowed(patient)


def test_refused_treatment_blocks_capture(patient, clinician):
    make_consent(patient=patient, witness=clinician, refused=["treatment"])
    assert not capture_allowed(patient)


# S30: emergency override
def test_override_allows_capture_until_it_expires(patient, clinician, owner):
    set_override_enabled(actor=owner, enabled=True)
    override = start_override(
        actor=clinician, patient=patient, reason="Burns, patient sedated in theatre"
    )
    assert capture_allowed(patient)
    assert active_override(patient) == override
    assert not has_consent(patient, "treatment")  # an override is not consent
    later = override.expires_at + timedelta(minutes=1)
    assert not capture_allowed(patient, at=later)
    assert open_override(patient) == override  # still flagged


def test_override_is_cleared_once_treatment_is_answered(patient, clinician, owner):
    set_override_enabled(actor=owner, enabled=True)
    start_override(
        actor=clinician, patient=patient, reason="Burns, patient sedated in theatre"
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        make_consent(patient=patient, witness=clinician, refused=["treatment"])
        assert open_override(patient) is None
        assert not capture_allowed(patient)


def test_purpose_states_at_a_glance(patient, clinician, django_assert_num_queries):
    make_consent(
        patient=patient,
        witness=clinician,
        granted=["treatment", "teaching"],
        refused=["publication"],
    )
    withdraw_consent(actor=clinician, patient=patient, purpose="teaching")
    with django_assert_num_queries(2):
        states = {s.purpose: s.state for s in purpose_states(patient)}
    assert states == {
        "treatment": "granted",
        "second_opinion": "not asked",
        "teaching": "withdrawn",
        "publication": "refused",
    }
