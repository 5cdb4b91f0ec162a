"""Members read patient pages, exports and certificates in the language they chose (issue 18)."""

import io
import zipfile
from datetime import date

from django.urls import reverse
from pypdf import PdfReader

from patients.lifecycle import erasure as erasure_service
from patients.lifecycle import export as export_service
from patients.tests.factories import make_patient, make_visit
from patients.tests.lifecycle_helpers import approved_erasure, make_patient_with_blobs


def test_the_patient_list_is_in_german(client_for, clinician, speaking):
    make_patient(actor=clinician, given_name="Ada", family_name="Lovelace")
    client = client_for(speaking(clinician, "de"))
    body = client.get("/patients/").content.decode()
    assert "Patient hinzufügen" in body and "Patientennummer" in body
    assert "Geburtsdatum" in body and "Lovelace, Ada" in body
    assert "Add patient" not in body and "Record number" not in body


def test_the_timeline_is_in_german_with_german_dates(client_for, clinician, speaking):
    patient = make_patient(actor=clinician, date_of_birth=date(1980, 3, 5))
    make_visit(actor=clinician, patient=patient, visit_on=date(2026, 1, 2))
    client = client_for(speaking(clinician, "de"))
    body = client.get(f"/patients/{patient.uuid}/").content.decode()
    assert "Konsultation hinzufügen" in body and "Alle Daten exportieren (ZIP)" in body
    # Named formats: the German day-month order and month names.
    assert "geboren am 5. März 1980" in body and "2. Januar 2026" in body
    assert "Add visit" not in body and "born " not in body


def test_an_empty_search_says_so_in_german(client_for, clinician, speaking):
    client = client_for(speaking(clinician, "de"))
    body = client.get("/patients/", {"q": "Nobody"}).content.decode()
    assert "Kein Patient passt zu allen Wörtern dieser Suche." in body


def test_the_export_readme_is_in_the_language_of_who_asked(clinician, speaking):
    speaking(clinician, "de")
    patient = make_patient(actor=clinician)
    export = export_service.start_export(actor=clinician, patient=patient)
    # Built by the worker, where no request chose a language.
    export_service.build_export(export_uuid=str(export.uuid))
    export.refresh_from_db()
    _name, archive = export_service.download_export(actor=clinician, export=export)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        readme = opened.read("README.txt").decode()
    assert readme.startswith("Dieses Archiv enthält alles, was die Praxis")


def test_the_erasure_certificate_pdf_is_in_the_readers_language(
    clinician, compliance, client_for, speaking
):
    patient, _ = make_patient_with_blobs(actor=clinician)
    erasure = approved_erasure(
        patient=patient, requester=clinician, approver=compliance
    )
    erasure_service.run_erasure(request_uuid=str(erasure.uuid))
    client = client_for(speaking(compliance, "fr"))
    pdf = client.get(reverse("patients:erasure_certificate", args=[erasure.uuid]))
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Certificat d'effacement" in text and "Clé de données du patient" in text
    assert "Certificate of erasure" not in text


def test_what_an_erasure_destroys_is_counted_in_german(
    client_for, clinician, compliance, speaking
):
    patient, _ = make_patient_with_blobs(actor=clinician)
    erasure = erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 2)
    )
    client = client_for(speaking(compliance, "de"))
    url = reverse("patients:erasure_approve", args=[erasure.uuid])
    html = client.get(url).content.decode()
    # Kinds are the models' own names, translated like any other word on the page.
    assert "<strong>1</strong> Konsultationen</li>" in html
    assert "Suchindex-Einträge</li>" in html
    assert "index terms" not in html and " visits</li>" not in html
