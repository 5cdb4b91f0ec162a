import os

import pytest
from django.core.management import CommandError, call_command

from audit.actions import Action
from audit.models import AccessEvent
from patients.models import Patient
from patients.tests.factories import make_patient
from pixiodoc import blobs, crypto


def new_kek() -> bytes:
    return os.urandom(32)


@pytest.fixture
def keys(settings):
    settings.KEY_ENCRYPTION_KEYS = {1: new_kek()}
    return settings


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


# S19
def test_rotation_rewraps_and_old_blobs_stay_readable(keys, storage, clinician, capsys):
    patient = make_patient(actor=clinician)
    name = blobs.save_blob(patient, obj="o1", label="thumb", plaintext=b"pixels")
    stored_before = blobs.default_storage.open(name).read()
    old = keys.KEY_ENCRYPTION_KEYS[1]
    keys.KEY_ENCRYPTION_KEYS = {1: old, 2: new_kek()}

    call_command("rotate_keys")

    patient.refresh_from_db()
    assert patient.kek_version == 2
    assert "re-wrapped 1 data keys to key version 2" in capsys.readouterr().out
    # The image bytes were not touched, and they read back with only the new KEK.
    assert blobs.default_storage.open(name).read() == stored_before
    keys.KEY_ENCRYPTION_KEYS = {2: keys.KEY_ENCRYPTION_KEYS[2]}
    assert blobs.read_blob(patient, obj="o1", label="thumb", name=name) == b"pixels"
    event = AccessEvent.objects.get(action=Action.KEYS_ROTATED)
    assert event.details["patients"] == [str(patient.uuid)]
    assert event.details["to_version"] == 2 and event.actor_type == "system"


# S19
def test_rotation_is_resumable_after_a_crash(keys, clinician, monkeypatch):
    patients = [make_patient(actor=clinician) for _ in range(3)]
    keys.KEY_ENCRYPTION_KEYS = {**keys.KEY_ENCRYPTION_KEYS, 2: new_kek()}
    real_wrap, calls = crypto.wrap_data_key, []

    def crash_on_second(key, *, owner):
        calls.append(owner)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_wrap(key, owner=owner)

    monkeypatch.setattr(crypto, "wrap_data_key", crash_on_second)
    with pytest.raises(RuntimeError):
        call_command("rotate_keys", batch_size=1)
    versions = sorted(Patient.objects.values_list("kek_version", flat=True))
    assert versions == [1, 1, 2]  # the first batch committed, the crashed one did not

    monkeypatch.setattr(crypto, "wrap_data_key", real_wrap)
    call_command("rotate_keys", batch_size=1)
    assert set(Patient.objects.values_list("kek_version", flat=True)) == {2}
    for patient in patients:
        patient.refresh_from_db()
        assert crypto.unwrap_data_key(
            patient.wrapped_data_key, version=2, owner=str(patient.uuid)
        )
    # Only rows under an older version are touched: a third run changes nothing.
    before = list(Patient.objects.values_list("wrapped_data_key", flat=True))
    call_command("rotate_keys")
    assert list(Patient.objects.values_list("wrapped_data_key", flat=True)) == before


# S20: an erased patient's destroyed key is left alone
def test_rotation_passes_over_destroyed_keys(keys, clinician):
    erased, kept = make_patient(actor=clinician), make_patient(actor=clinician)
    Patient.objects.filter(pk=erased.pk).update(wrapped_data_key=None)
    keys.KEY_ENCRYPTION_KEYS = {**keys.KEY_ENCRYPTION_KEYS, 2: new_kek()}
    call_command("rotate_keys", batch_size=1)
    erased.refresh_from_db()
    kept.refresh_from_db()
    assert (erased.kek_version, erased.wrapped_data_key) == (1, None)
    assert kept.kek_version == 2


def test_a_missing_old_key_is_reported(keys, clinician):
    make_patient(actor=clinician)
    keys.KEY_ENCRYPTION_KEYS = {2: new_kek()}  # version 1 dropped too early
    with pytest.raises(CommandError, match="could not be unwrapped"):
        call_command("rotate_keys")


# S17: the wrapped key is bound to its version too
def test_a_wrapped_key_does_not_unwrap_under_another_version(keys):
    keys.KEY_ENCRYPTION_KEYS = {1: keys.KEY_ENCRYPTION_KEYS[1], 2: new_kek()}
    key = crypto.new_data_key()
    version, wrapped = crypto.wrap_data_key(key, owner="p")
    assert version == 2
    with pytest.raises(crypto.IntegrityError):
        crypto.unwrap_data_key(wrapped, version=1, owner="p")
