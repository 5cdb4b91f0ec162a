import contextlib
import os
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

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


# --- Locks held by other transactions (PostgreSQL: SQLite has no row locks) ---


@contextlib.contextmanager
def lock_held_by_another_transaction(sql: str, params=()):
    """Run `sql` in another connection's open transaction until the block ends."""
    taken, release, failure = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
                taken.set()
                release.wait(30)
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            failure.append(exc)
            taken.set()
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(10) and not failure, failure
    try:
        yield
    finally:
        release.set()
        holder.join(10)


needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


# S19: the practice row locked FOR KEY SHARE (every audit insert takes it) once
# made the rotation skip every patient and print "nothing left".
@needs_row_locks
def test_a_locked_practice_row_does_not_stop_the_rotation(
    transactional_db, keys, clinician, capsys
):
    for _ in range(5):
        make_patient(actor=clinician)
    keys.KEY_ENCRYPTION_KEYS = {**keys.KEY_ENCRYPTION_KEYS, 2: new_kek()}

    with lock_held_by_another_transaction(
        "SELECT id FROM accounts_practice FOR KEY SHARE"
    ):
        call_command("rotate_keys", batch_size=2, wait=0)

    assert set(Patient.objects.values_list("kek_version", flat=True)) == {2}
    out = capsys.readouterr().out
    assert "re-wrapped 5 data keys" in out
    assert "nothing left: every data key is under key version 2" in out


# S19: a held patient row is waited for, then counted, never passed over.
@needs_row_locks
def test_a_held_patient_row_is_reported_and_fails_the_run(
    transactional_db, keys, clinician, capsys
):
    held, *others = [make_patient(actor=clinician) for _ in range(3)]
    keys.KEY_ENCRYPTION_KEYS = {**keys.KEY_ENCRYPTION_KEYS, 2: new_kek()}

    with (
        lock_held_by_another_transaction(
            "SELECT id FROM patients_patient WHERE id = %s FOR UPDATE", [held.pk]
        ),
        pytest.raises(CommandError) as failed,
    ):
        call_command("rotate_keys", wait=0.3)

    assert "1 data keys remain under older key versions" in str(failed.value)
    assert "held by other transactions" in str(failed.value)
    captured = capsys.readouterr()
    assert "re-wrapped 2 data keys" in captured.out
    assert "nothing left" not in captured.out
    held.refresh_from_db()
    assert held.kek_version == 1

    # Once the lock is gone, the next run finishes the job.
    call_command("rotate_keys", wait=0)
    assert set(Patient.objects.values_list("kek_version", flat=True)) == {2}
    assert "nothing left" in capsys.readouterr().out


# S19: a lock released while the rotation waits is picked up in the same run.
@needs_row_locks
def test_the_rotation_waits_for_a_lock_that_ends(transactional_db, keys, clinician):
    held = make_patient(actor=clinician)
    keys.KEY_ENCRYPTION_KEYS = {**keys.KEY_ENCRYPTION_KEYS, 2: new_kek()}
    runner = threading.Thread(
        target=lambda: (call_command("rotate_keys", wait=20), connection.close())
    )
    with lock_held_by_another_transaction(
        "SELECT id FROM patients_patient WHERE id = %s FOR UPDATE", [held.pk]
    ):
        runner.start()
        time.sleep(0.5)  # the rotation is now waiting for the row
    runner.join(30)
    held.refresh_from_db()
    assert held.kek_version == 2


# S19: readers and writers beside a rotation see no error, and it still finishes.
@needs_row_locks
def test_readers_and_writers_beside_the_rotation_see_no_error(
    transactional_db, keys, clinician
):
    patients = [make_patient(actor=clinician) for _ in range(40)]
    keys.KEY_ENCRYPTION_KEYS = {**keys.KEY_ENCRYPTION_KEYS, 2: new_kek()}
    stop, errors = threading.Event(), []

    def traffic():
        from audit.services import record_event

        try:
            while not stop.is_set():
                for patient in patients[::7]:
                    with transaction.atomic():
                        fresh = Patient.objects.get(pk=patient.pk)
                        record_event(
                            action=Action.TIMELINE_VIEWED, actor=clinician, target=fresh
                        )
                        Patient.objects.filter(pk=patient.pk).update(notes="x")
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=traffic) for _ in range(3)]
    for worker in workers:
        worker.start()
    try:
        call_command("rotate_keys", batch_size=3, wait=30)
    finally:
        stop.set()
        for worker in workers:
            worker.join(30)
    assert errors == []
    assert set(Patient.objects.values_list("kek_version", flat=True)) == {2}
