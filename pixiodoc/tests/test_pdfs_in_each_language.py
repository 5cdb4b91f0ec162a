"""Every PDF staff download, in each of the four languages (issue 18).

The heading expected is the catalogue's own translation of the English heading, so
the test reads what the PDF says against what the catalogue says, for every
language; PDF text extraction drops some spaces, so both are compared unspaced.
"""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from patients.lifecycle import erasure as erasure_service
from patients.tests.factories import make_patient
from patients.tests.lifecycle_helpers import approved_erasure, make_patient_with_blobs

LANGUAGES = [code for code, _name in settings.LANGUAGES]
BREACH_WINDOW = {
    "start": "2026-03-10T08:00",
    "end": "2026-03-10T11:00",
    "aware_at": "2026-03-10T12:00",
}


def unspaced(text: str) -> str:
    return "".join(text.split())


def pdf_text(content: bytes) -> str:
    return unspaced(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    )


def in_language(language: str, heading) -> str:
    """A heading, (msgid, values) or a plain msgid, as the catalogue has it."""
    msgid, values = heading if isinstance(heading, tuple) else (heading, {})
    with translation.override(language):
        return unspaced(translation.gettext(msgid) % values)


def audit_report(clinician, compliance):
    heading = "Audit report: %(practice)s", {"practice": compliance.practice.name}
    return "/audit/export.pdf", heading


def record_of_processing(clinician, compliance):
    return "/compliance/record-of-processing.pdf", "Record of processing activities"


def breach_scope(clinician, compliance):
    query = "&".join(f"{key}={value}" for key, value in BREACH_WINDOW.items())
    return f"/compliance/breach.pdf?{query}", (
        "Personal data breach: scope and draft notification"
    )


def disclosures(clinician, compliance):
    patient = make_patient(actor=clinician)
    url = reverse("audit:disclosures_pdf", args=[patient.uuid])
    return url, "Accounting of disclosures"


def erasure_certificate(clinician, compliance):
    patient, _ = make_patient_with_blobs(actor=clinician)
    erasure = approved_erasure(
        patient=patient, requester=clinician, approver=compliance
    )
    erasure_service.run_erasure(request_uuid=str(erasure.uuid))
    url = reverse("patients:erasure_certificate", args=[erasure.uuid])
    return url, "Certificate of erasure"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "document",
    [
        audit_report,
        record_of_processing,
        breach_scope,
        disclosures,
        erasure_certificate,
    ],
)
def test_each_pdf_reads_in_the_members_language(
    document, language, clinician, compliance, client_for
):
    url, heading = document(clinician, compliance)
    compliance.language = language
    compliance.save(update_fields=["language"])

    response = client_for(compliance).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert in_language(language, heading) in text
    if language != settings.LANGUAGE_CODE:
        assert in_language(settings.LANGUAGE_CODE, heading) not in text
