"""rotate_keys --field-key and --blind-index: re-encrypt and re-index, resumable (S19, #13)."""

import pytest
from cryptography.fernet import Fernet, MultiFernet
from django.core.management import CommandError, call_command
from django.db.models import TextField
from django.db.models.functions import Cast
from encrypted_model_fields import fields as encrypted_fields

from audit.actions import Action
from audit.models import AccessEvent
from patients.exceptions import PatientError
from patients.models import Patient
from patients.selectors import patient_uuid_for_record_number, search_patients
from patients.tests.factories import make_patient
from pixiodoc.config import new_key


def use_field_keys(settings, monkeypatch, *keys):
    """Configure the field keys as a restart would (the library reads them at import)."""
    settings.FIELD_ENCRYPTION_KEY = list(keys)
    monkeypatch.setattr(
        encrypted_fields, "CRYPTER", MultiFernet([Fernet(k) for k in keys])
    )


def stored_token(patient) -> str:
    return (
        Patient.objects.filter(pk=patient.pk)
        .annotate(raw=Cast("given_name", output_field=TextField()))
        .values_list("raw", flat=True)
        .get()
    )


@pytest.fixture
def old_field_key(settings, monkeypatch):
    key = Fernet.generate_key().decode()
    use_field_keys(settings, monkeypatch, key)
    return key


# S19
def test_field_key_rotation_reencrypts_under_the_first_key(
    settings, monkeypatch, old_field_key, clinician, capsys
):
    patient = make_patient(actor=clinician, given_name="Grace", family_name="Hopper")
    new = Fernet.generate_key().decode()
    use_field_keys(settings, monkeypatch, new, old_field_key)

    call_command("rotate_keys", field_key=True)

    out = capsys.readouterr().out
    assert "re-encrypted" in out
    assert (
        "nothing left: every PHI field is under the first FIELD_ENCRYPTION_KEY" in out
    )
    assert Fernet(new).decrypt(stored_token(patient).encode()) == b"Grace"
    assert AccessEvent.objects.filter(action=Action.FIELDS_REENCRYPTED).exists()
    # The old key can go: everything reads with the new one alone.
    use_field_keys(settings, monkeypatch, new)
    fresh = Patient.objects.get(pk=patient.pk)
    assert (fresh.given_name, fresh.family_name) == ("Grace", "Hopper")
    # A second run finds nothing to do.
    before = stored_token(patient)
    call_command("rotate_keys", field_key=True)
    assert "re-encrypted" not in capsys.readouterr().out
    assert stored_token(patient) == before


# S19: a value no configured key opens is reported, never re-encrypted as text
def test_field_key_rotation_reports_values_no_key_opens(
    settings, monkeypatch, old_field_key, clinician, capsys
):
    patient = make_patient(actor=clinician)
    token = stored_token(patient)
    use_field_keys(settings, monkeypatch, Fernet.generate_key().decode())

    with pytest.raises(CommandError, match="rows remain under older field keys"):
        call_command("rotate_keys", field_key=True)

    assert "no configured field key opens patients.Patient row" in (
        capsys.readouterr().err
    )
    assert stored_token(patient) == token


@pytest.fixture
def old_index_key(settings):
    settings.BLIND_INDEX_KEY, settings.BLIND_INDEX_OLD_KEYS = new_key(), []
    return settings.BLIND_INDEX_KEY


# S19
def test_blind_index_rotation_keeps_search_working_throughout(
    settings, old_index_key, clinician, capsys
):
    ada = make_patient(actor=clinician, record_number="R-77")
    settings.BLIND_INDEX_KEY, settings.BLIND_INDEX_OLD_KEYS = new_key(), [old_index_key]

    # Mid-rotation: found under the old key, and its record number still taken.
    assert list(search_patients(member=clinician, query="lovelace")) == [ada]
    assert patient_uuid_for_record_number(clinician.practice, "R-77") == ada.uuid
    with pytest.raises(PatientError, match="already has this record number"):
        make_patient(actor=clinician, record_number="R-77")

    call_command("rotate_keys", blind_index=True)
    out = capsys.readouterr().out
    assert "re-indexed 1 patients under the first BLIND_INDEX_KEY" in out
    assert "nothing left: every patient is indexed" in out
    assert AccessEvent.objects.get(action=Action.INDEX_REBUILT).details == {
        "patients": [str(ada.uuid)]
    }

    settings.BLIND_INDEX_OLD_KEYS = []  # the old key dropped
    assert list(search_patients(member=clinician, query="ada 10.12.1980")) == [ada]
    assert patient_uuid_for_record_number(clinician.practice, "R-77") == ada.uuid
    call_command("rotate_keys", blind_index=True)
    assert "re-indexed" not in capsys.readouterr().out


# S19: resumable; each patient is moved whole in its own batch
def test_blind_index_rotation_resumes_after_a_crash(
    settings, old_index_key, clinician, monkeypatch
):
    from patients import key_rotation

    patients = [make_patient(actor=clinician) for _ in range(3)]
    settings.BLIND_INDEX_KEY, settings.BLIND_INDEX_OLD_KEYS = new_key(), [old_index_key]
    real_reindex, calls = key_rotation.reindex, []

    def crash_on_second(patient):
        calls.append(patient.pk)
        if len(calls) == 2:
            raise RuntimeError("killed")
        real_reindex(patient)

    monkeypatch.setattr(key_rotation, "reindex", crash_on_second)
    with pytest.raises(RuntimeError):
        call_command("rotate_keys", blind_index=True, batch_size=1)
    monkeypatch.setattr(key_rotation, "reindex", real_reindex)
    call_command("rotate_keys", blind_index=True, batch_size=1)

    settings.BLIND_INDEX_OLD_KEYS = []
    for patient in patients:
        assert (
            patient_uuid_for_record_number(clinician.practice, patient.record_number)
            == patient.uuid
        )
        assert patient in search_patients(member=clinician, query="lovelace")
