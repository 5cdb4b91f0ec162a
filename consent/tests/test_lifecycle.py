"""Consent's part in the patient lifecycle jobs: export section, erasure, orphan sweep."""

import io
import json
import zipfile
from datetime import date, timedelta

from django.utils import timezone

from consent.documents import make_pdf
from consent.models import Consent, ConsentAnswer, ConsentDocument
from consent.tests.factories import make_consent
from patients.lifecycle import erasure as erasure_service
from patients.lifecycle import housekeeping
from patients.lifecycle.export import build_export, download_export, start_export
from patients.tests.factories import make_patient
from pixiodoc import blobs


def _consented_patient(clinician, **extra):
    patient = make_patient(actor=clinician, **extra)
    consent = make_consent(
        patient=patient, witness=clinician, granted=["treatment"], refused=["teaching"]
    )
    make_pdf(consent_uuid=consent.uuid)
    return patient, consent


# S31
def test_the_export_holds_the_patients_consents_and_their_pdfs(clinician):
    patient, consent = _consented_patient(clinician)
    other, other_consent = _consented_patient(
        clinician, given_name="Bartholomew", family_name="Quixotic"
    )
    export = start_export(actor=clinician, patient=patient)
    build_export(export_uuid=str(export.uuid))
    export.refresh_from_db()
    _name, archive = download_export(actor=clinician, export=export)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        names = opened.namelist()
        data = json.loads(opened.read("data.json"))
        pdf = opened.read(f"consents/{consent.uuid}.pdf")
    assert f"consents/{consent.uuid}-signature.png" in names
    assert pdf.startswith(b"%PDF")
    assert data["consents"][0]["answers"] == {"treatment": True, "teaching": False}
    assert str(other_consent.uuid) not in json.dumps(data) + " ".join(names)


# S32
def test_erasure_removes_consents_and_their_blobs(clinician, compliance):
    patient, consent = _consented_patient(clinician)
    assert len(blobs.blob_names(patient.uuid)) == 2  # signature and PDF
    erasure = erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 1)
    )
    erasure_service.approve_erasure(actor=compliance, erasure=erasure)
    result = erasure_service.run_erasure(request_uuid=str(erasure.uuid))
    assert result.status == "completed"
    assert not Consent.objects.filter(pk=consent.pk).exists()
    assert not ConsentAnswer.objects.filter(consent_id=consent.pk).exists()
    assert not ConsentDocument.objects.filter(consent_id=consent.pk).exists()
    assert blobs.blob_names(patient.uuid) == []
    erasure.refresh_from_db()
    assert erasure.erased["rows"]["consent.Consent"] == 1


def test_the_orphan_sweep_keeps_consent_blobs(clinician, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "blobs")},
        },
    }
    patient, _ = _consented_patient(clinician)
    stray = blobs.save_blob(patient, obj=patient.uuid, label="x", plaintext=b"stray")
    later = timezone.now() + timedelta(days=3)
    assert housekeeping.sweep_orphan_blobs(now=later)["deleted"] == 1
    assert len(blobs.blob_names(patient.uuid)) == 2
    assert stray not in blobs.blob_names(patient.uuid)
