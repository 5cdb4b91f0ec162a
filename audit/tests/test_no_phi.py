"""S27: no PHI in any audit table, export or log line, after driving every page."""

import json
import logging

from auditlog.models import LogEntry
from django.contrib.admin.models import LogEntry as AdminLogEntry

from audit.models import (
    AccessEvent,
    AuditAlert,
    ChainCheckpoint,
    ChainHead,
    ChainStatus,
    PracticeAuditSettings,
)
from audit.tests.test_views import csv_rows, pdf_text
from patients.models import Patient

PATIENT = {
    "given_name": "Quetzalcoatlina",
    "family_name": "Xylophonovska",
    "date_of_birth": "1971-07-19",
    "sex": "female",
    "record_number": "RN-ZQ-90210",
    "email": "zanzibarian@example.org",
    "phone": "+44 7700 900461",
    "notes": "Allergic to Vermillionite",
}
VISIT = {"visit_on": "2026-02-03", "reason": "Mauveoline rash", "notes": "Cerulite"}
PLANTED = [
    "Quetzalcoatlina",
    "Xylophonovska",
    "1971-07-19",
    "RN-ZQ-90210",
    "zanzibarian",
    "7700 900461",
    "Vermillionite",
    "Mauveoline",
    "Cerulite",
    "2026-02-03",
]
AUDIT_MODELS = (
    AccessEvent,
    ChainHead,
    ChainCheckpoint,
    ChainStatus,
    AuditAlert,
    PracticeAuditSettings,
    LogEntry,
    AdminLogEntry,
)


def _leaks(text: str) -> list[str]:
    folded = text.casefold()
    squeezed = "".join(folded.split())
    return [
        p
        for p in PLANTED
        if p.casefold() in folded or "".join(p.split()).casefold() in squeezed
    ]


def _tables() -> str:
    return json.dumps(
        {m._meta.label: list(m.objects.values()) for m in AUDIT_MODELS}, default=str
    )


# S27
def test_no_planted_phi_reaches_audit_tables_exports_or_logs(
    client_for, clinician, compliance, caplog
):
    caplog.set_level(logging.DEBUG)
    staff, officer = client_for(clinician), client_for(compliance)
    response = staff.post("/patients/new/", PATIENT)
    assert response.status_code == 302
    patient = Patient.objects.get()
    pages = [
        "/patients/",
        "/patients/?q=Xylophonovska",
        "/patients/?q=RN-ZQ-90210",
        f"/patients/{patient.uuid}/",
        f"/patients/{patient.uuid}/edit/",
        f"/patients/{patient.uuid}/visits/new/",
    ]
    for url in pages:
        assert staff.get(url).status_code == 200, url
    edited = {**PATIENT, "notes": "Allergic to Vermillionite and Cerulite"}
    assert staff.post(f"/patients/{patient.uuid}/edit/", edited).status_code == 302
    assert staff.post(f"/patients/{patient.uuid}/visits/new/", VISIT).status_code == 302
    visit = patient.visits.get()
    assert staff.get(f"/patients/visits/{visit.uuid}/edit/").status_code == 200
    assert (
        staff.post(
            f"/patients/visits/{visit.uuid}/edit/", {**VISIT, "notes": "Cerulite 2"}
        ).status_code
        == 302
    )
    # Bulk changes log too (S29), still masked.
    Patient.objects.filter(pk=patient.pk).update(notes="Vermillionite again")

    for url in (
        "/audit/",
        "/audit/?patient=RN-ZQ-90210",
        f"/audit/patients/{patient.uuid}/",
        f"/audit/members/{clinician.uuid}/",
    ):
        response = officer.get(url)
        assert response.status_code == 200, url
    assert str(patient.uuid) in officer.get("/audit/").content.decode()
    exported_csv = json.dumps(csv_rows(officer.get("/audit/export.csv")))
    exported_pdf = pdf_text(officer.get("/audit/export.pdf").content)
    patient_csv = json.dumps(
        csv_rows(officer.get("/audit/export.csv?patient=RN-ZQ-90210"))
    )

    assert str(patient.uuid) in exported_csv  # the exports do hold the events
    assert AccessEvent.objects.filter(patient_uuid=patient.uuid).count() >= 6
    assert LogEntry.objects.count() >= 4
    assert _leaks(_tables()) == []
    assert _leaks(exported_csv) == []
    assert _leaks(patient_csv) == []
    # The PDF report is a document for the compliance officer, who reads patients
    # by record number there as on the audit page (#16); nothing else of them.
    assert "RN-ZQ-90210" in exported_pdf
    assert _leaks(exported_pdf) == ["RN-ZQ-90210"]
    assert caplog.records
    assert _leaks(caplog.text) == []
