"""The compliance documents in the member's own language (issue 18)."""

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_record_of_processing_reads_in_german(client_for, compliance):
    compliance.language = "de"
    compliance.save(update_fields=["language"])

    response = client_for(compliance).get("/compliance/record-of-processing.pdf")

    assert response.status_code == 200
    text = pdf_text(response.content)
    for german in (
        "Verzeichnis von Verarbeitungstätigkeiten",
        "Kategorien personenbezogener Daten",
        "PACS-Ziele",  # a category another app registers (interop)
    ):
        assert german in text, german
    assert "Record of processing" not in text


def test_the_breach_scope_reads_in_spanish(client_for, compliance):
    compliance.language = "es"
    compliance.save(update_fields=["language"])
    query = {
        "start": "2026-03-10T08:00",
        "end": "2026-03-10T11:00",
        "aware_at": "2026-03-10T12:00",
    }

    body = client_for(compliance).get("/compliance/breach/", query).content.decode()

    assert "Borrador de notificación a la autoridad de control" in body
    assert "Draft notification" not in body
