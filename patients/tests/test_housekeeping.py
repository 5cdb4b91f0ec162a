from datetime import date, timedelta

import pytest
from django.db import models
from django.utils import timezone

from patients import blobrefs
from patients.lifecycle import erasure as erasure_service
from patients.lifecycle import housekeeping
from patients.lifecycle.export import build_export, start_export
from patients.lifecycle.models import ErasureRequest
from patients.tests.factories import make_patient
from patients.tests.lifecycle_helpers import make_patient_with_blobs
from pixiodoc import blobs

LATER = timedelta(hours=72)


@pytest.fixture(autouse=True)
def own_storage(settings, tmp_path, monkeypatch):
    """A storage of its own: the sweep walks every patient folder in it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "blobs")},
        },
    }
    # The sweep's logic is tested here; the registrations of the installed apps
    # are checked by the test below.
    monkeypatch.setattr(housekeeping, "unregistered_blob_models", lambda: [])


def test_every_app_with_blob_fields_registers_its_blob_references():
    from django.apps import apps

    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label not in blobrefs.registered_apps()
        and any("blob" in f.name for f in model._meta.concrete_fields)
    ]
    assert not missing, (
        "these models keep blob names but their app registered no blob references, "
        "so the orphan sweep refuses to run: register them in the app's ready() "
        f"(docs/jobs.md, Housekeeping): {', '.join(missing)}"
    )


@pytest.fixture
def referenced_by_test():
    """A stand-in app whose rows reference some of the patient's blobs."""
    kept: set[str] = set()
    blobrefs.register_blob_references("test_app", lambda uuids: kept)
    yield kept
    blobrefs._references.pop("test_app")


def test_the_sweep_deletes_unreferenced_blobs_after_the_grace(
    clinician, referenced_by_test
):
    patient, names = make_patient_with_blobs(actor=clinician, blobs_count=3)
    referenced_by_test.add(names[0])
    export = start_export(actor=clinician, patient=patient)
    build_export(export_uuid=str(export.uuid))
    export.refresh_from_db()

    soon = housekeeping.sweep_orphan_blobs()
    assert soon["deleted"] == 0  # all within the grace period

    result = housekeeping.sweep_orphan_blobs(now=timezone.now() + LATER)
    assert result["deleted"] == 2
    assert sorted(blobs.blob_names(patient.uuid)) == sorted(
        [names[0], export.blob_name]
    )


def test_the_sweep_leaves_a_patient_being_erased_to_the_erasure(
    clinician, compliance, referenced_by_test
):
    patient, names = make_patient_with_blobs(actor=clinician)
    erasure = erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 1)
    )
    assert erasure.status == ErasureRequest.Status.PENDING
    housekeeping.sweep_orphan_blobs(now=timezone.now() + LATER)
    assert sorted(blobs.blob_names(patient.uuid)) == sorted(names)


def test_the_sweep_refuses_while_an_app_with_blobs_registered_nothing(monkeypatch):
    monkeypatch.undo()  # the real check, not the fixture's stand-in

    class Fake:
        class _meta:
            app_label = "unregistered"
            label = "unregistered.Thing"
            concrete_fields = [models.CharField(name="blob_name")]

    monkeypatch.setattr(housekeeping.apps, "get_models", lambda: [Fake])
    with pytest.raises(housekeeping.SweepRefused, match="unregistered.Thing"):
        housekeeping.sweep_orphan_blobs()


def test_registered_app_purges_run(db):
    seen = []
    blobrefs.register_purge("test", lambda now: seen.append(now) or 4)
    try:
        assert housekeeping.run_app_purges()["test"] == 4
    finally:
        blobrefs._purges.pop("test")
    assert len(seen) == 1


def test_the_resume_sweep_sends_waiting_jobs_again(clinician, compliance, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "patients.lifecycle.jobs.send",
        lambda task, *args: sent.append((task.name, args)) or True,
    )
    patient = make_patient(actor=clinician)
    erasure = erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 1)
    )
    erasure_service.approve_erasure(actor=compliance, erasure=erasure)
    export = start_export(actor=clinician, patient=make_patient(actor=clinician))
    # A job whose runner still holds a live lease is left alone by the beat sweep.
    leased = make_patient(actor=clinician)
    other = erasure_service.request_erasure(
        actor=clinician, patient=leased, asked_on=date(2026, 11, 1)
    )
    erasure_service.approve_erasure(actor=compliance, erasure=other)
    assert erasure_service._claim(str(other.uuid), "someone")

    assert housekeeping.resume_pending() == {
        "erasures": 1,
        "exports": 1,
        "retention_runs": 0,
    }
    assert ("patients.carry_out_erasure", (str(erasure.uuid),)) in sent
    assert ("patients.build_patient_export", (str(export.uuid),)) in sent
    sent.clear()
    # At a worker start the leased one is sent too (it retries until the lease ends).
    assert housekeeping.resume_pending(include_leased=True)["erasures"] == 2
