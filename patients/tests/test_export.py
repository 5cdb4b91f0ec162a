import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.utils import timezone

from audit.actions import Action
from audit.models import AccessEvent
from patients import exports
from patients.exceptions import LifecycleError
from patients.lifecycle import erasure as erasure_service
from patients.lifecycle import export as export_service
from patients.lifecycle.models import PatientExport
from patients.tests.factories import make_patient, make_visit
from pixiodoc import blobs

Status = PatientExport.Status


def _open_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _built(actor, patient):
    export = export_service.start_export(actor=actor, patient=patient)
    assert export_service.build_export(export_uuid=str(export.uuid)) == Status.READY
    export.refresh_from_db()
    return export


@pytest.fixture
def blob_section():
    """A stand-in for a higher app's section: the patient's own stored blobs."""

    def build(patient):
        names = sorted(blobs.blob_names(patient.uuid))
        files = []
        for i, name in enumerate(n for n in names if "export" not in n):
            files.append((f"item-{i}.bin", name.encode()))
        return exports.ExportPart(data={"count": len(files)}, files=files)

    exports.register_section("test_blobs", build, order=50)
    yield
    exports._sections.pop("test_blobs")


# S31
def test_an_export_holds_that_patient_and_nothing_of_another(clinician, blob_section):
    ada = make_patient(actor=clinician, given_name="Ada", family_name="Lovelace")
    bob = make_patient(
        actor=clinician,
        given_name="Bartholomew",
        family_name="Quixotic",
        record_number="BOB-77",
        date_of_birth=date(1955, 3, 4),
    )
    make_visit(actor=clinician, patient=ada, reason="Mole check")
    make_visit(actor=clinician, patient=bob, reason="Zebra rash")
    blobs.save_blob(ada, obj=ada.uuid, label="t", plaintext=b"ada-bytes")
    blobs.save_blob(bob, obj=bob.uuid, label="t", plaintext=b"bob-bytes")

    export = _built(clinician, ada)
    _name, archive = export_service.download_export(actor=clinician, export=export)
    files = _open_zip(archive)

    data = json.loads(files["data.json"])
    assert data["patient"]["family_name"] == "Lovelace"
    assert data["patient"]["visits"][0]["reason"] == "Mole check"
    assert data["test_blobs"]["count"] == 1
    assert any(e["action"] == Action.PATIENT_CREATED for e in data["access_history"])
    everything = b"".join(files.values())
    for trace in (b"Bartholomew", b"Quixotic", b"BOB-77", b"Zebra rash", b"1955-03-04"):
        assert trace not in everything
    assert str(bob.uuid).encode() not in everything


def test_the_zip_is_stored_encrypted(clinician):
    patient = make_patient(actor=clinician)
    export = _built(clinician, patient)
    with blobs.default_storage.open(export.blob_name) as handle:
        stored = handle.read()
    assert not stored.startswith(b"PK")
    assert b"Lovelace" not in stored
    assert export.blob_name.startswith(f"patients/{patient.uuid}/")


def test_an_export_downloads_once_then_its_blob_is_gone(
    clinician, django_capture_on_commit_callbacks
):
    patient = make_patient(actor=clinician)
    export = _built(clinician, patient)
    name = export.blob_name
    with django_capture_on_commit_callbacks(execute=True):
        export_service.download_export(actor=clinician, export=export)
    assert not blobs.default_storage.exists(name)
    with pytest.raises(LifecycleError, match="once"):
        export_service.download_export(actor=clinician, export=export)
    assert AccessEvent.objects.filter(
        action=Action.EXPORT_DOWNLOADED, object_uuid=export.uuid
    ).exists()


def test_only_the_member_who_started_it_may_download(clinician, owner):
    patient = make_patient(actor=clinician)
    export = _built(clinician, patient)
    with pytest.raises(LifecycleError, match="Only the member"):
        export_service.download_export(actor=owner, export=export)


def test_an_export_expires_after_its_window(clinician):
    patient = make_patient(actor=clinician)
    export = _built(clinician, patient)
    assert export.expires_at - export.ready_at == timedelta(hours=24)
    assert export_service.expire_exports(now=timezone.now() + timedelta(hours=25)) == 1
    export.refresh_from_db()
    assert export.status == Status.EXPIRED
    assert blobs.blob_names(patient.uuid) == []
    with pytest.raises(LifecycleError):
        export_service.download_export(actor=clinician, export=export)


def test_exporting_a_patient_being_erased_is_refused(clinician, compliance):
    patient = make_patient(actor=clinician)
    erasure = erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 1)
    )
    erasure_service.approve_erasure(actor=compliance, erasure=erasure)
    patient.refresh_from_db()
    with pytest.raises(LifecycleError, match="being erased"):
        export_service.start_export(actor=clinician, patient=patient)


def test_an_unreadable_blob_is_counted_and_the_export_goes_on(clinician):
    def broken(patient):
        return exports.ExportPart(data={"photos": []}, unreadable=2)

    exports.register_section("broken", broken)
    try:
        export = _built(clinician, make_patient(actor=clinician))
    finally:
        exports._sections.pop("broken")
    assert export.unreadable == 2


def test_a_failing_section_ends_in_a_visible_failed_state(clinician):
    def explode(patient):
        raise RuntimeError("boom")

    exports.register_section("explode", explode)
    try:
        export = export_service.start_export(
            actor=clinician, patient=make_patient(actor=clinician)
        )
        status = export_service.build_export(export_uuid=str(export.uuid))
    finally:
        exports._sections.pop("explode")
    export.refresh_from_db()
    assert status == Status.FAILED and export.error == "RuntimeError"
