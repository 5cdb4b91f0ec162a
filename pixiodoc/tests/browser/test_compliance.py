"""The compliance officer's desk in a real browser (#16): requests, disclosures, PDFs."""

import io
from datetime import timedelta

import pytest
from django.utils import formats, timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from audit.actions import Action
from audit.models import AccessEvent
from patients.lifecycle import export as export_service
from patients.lifecycle.models import PatientExport
from patients.lifecycle.requests import add_months
from patients.tests.factories import make_patient
from pixiodoc.testing import store_blobs_in
from sharing.tests.factories import grant_second_opinion, make_link


@pytest.fixture(autouse=True)
def blob_root(settings, tmp_path):
    store_blobs_in(settings, tmp_path)


def fetched(page, link: str) -> bytes:
    """What a download link serves, fetched with the page's session (as test_audit)."""
    href = page.get_by_role("link", name=link).get_attribute("href")
    response = page.request.get(href, timeout=120_000)  # WeasyPrint's first fonts
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("attachment")
    return response.body()


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(page.extract_text() for page in pages).replace("\n", " ")


def test_a_request_by_record_number_its_export_and_its_deadline(
    page_for, clinician, compliance
):
    make_patient(actor=clinician, record_number="MRN-DESK-1")
    page = page_for(compliance)
    page.goto("/")
    page.get_by_role("link", name="Compliance", exact=True).click()
    page.get_by_role("link", name="Register a request").click()
    page.get_by_label("Patient's record number").fill("MRN-DESK-1")
    page.get_by_label("The patient asks for").select_option("access")
    page.get_by_label("Received by").select_option("email")
    page.get_by_role("button", name="Register the request").click()

    due = add_months(timezone.localdate(), 1)
    expect(page.locator(".deadline")).to_contain_text(formats.date_format(due))
    expect(page.get_by_text("Patient with record number MRN-DESK-1")).to_be_visible()

    page.get_by_role("button", name="Start the export").click()
    expect(page.locator(".export-status")).to_have_text("Waiting for the job queue")
    export = PatientExport.objects.get()
    assert export.requested_by == compliance
    export_service.build_export(export_uuid=str(export.uuid))  # the worker's part
    page.reload()
    form = page.locator(
        "form", has=page.get_by_role("button", name="Download the export")
    )
    archive = page.request.post(  # the download event does not fire here (test_audit)
        form.get_attribute("action"),
        form={
            "csrfmiddlewaretoken": form.locator(
                "[name=csrfmiddlewaretoken]"
            ).input_value()
        },
    )
    assert archive.status == 200 and archive.body()[:2] == b"PK"
    assert AccessEvent.objects.filter(
        action=Action.EXPORT_DOWNLOADED, member=compliance
    ).exists()
    page.reload()
    expect(page.locator(".export-status")).to_have_text("Downloaded")

    page.get_by_role("link", name="All requests").click()
    row = page.locator("table.subject-requests tr", has_text="MRN-DESK-1")
    expect(row).to_contain_text("Access (Art. 15)")
    expect(row).to_contain_text(formats.date_format(due, "j M Y"))


def test_the_disclosures_of_a_patient_after_a_share_open_and_an_export(
    page_for, new_context, live_server, clinician, compliance
):
    patient = make_patient(actor=clinician, record_number="MRN-DESK-2")
    grant_second_opinion(patient=patient, witness=clinician)
    _, token = make_link(
        actor=clinician, patient=patient, recipient_name="Dr Meredith Grey"
    )
    recipient = new_context().new_page()
    recipient.goto(f"{live_server.url}/s/{token}/")
    with recipient.expect_navigation():
        recipient.get_by_role("button", name="Open the photographs").click()
    recipient.close()
    export = export_service.start_export(actor=clinician, patient=patient)
    export_service.build_export(export_uuid=str(export.uuid))
    export.refresh_from_db()
    export_service.download_export(actor=clinician, export=export)

    page = page_for(compliance)
    page.goto("/compliance/")
    page.get_by_label("Record number", exact=True).fill("MRN-DESK-2")
    page.get_by_role("button", name="Show disclosures").click()

    rows = page.locator("table.disclosures tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Dr Meredith Grey")
    expect(rows.nth(0)).to_contain_text("Second opinion")
    expect(rows.nth(1)).to_contain_text("Handed out by Clinician Tester")
    text = pdf_text(fetched(page, "Download PDF for the patient"))
    assert "MRN-DESK-2" in text and "Dr Meredith Grey" in text
    assert "Handed out by Clinician Tester" in text


def test_the_art_30_record_and_the_breach_scope_open_as_pdfs(
    page_for, clinician, compliance
):
    patient = make_patient(actor=clinician, record_number="MRN-DESK-3")
    staff = page_for(clinician)
    staff.goto(f"/patients/{patient.uuid}/")
    staff.close()

    page = page_for(compliance)
    page.goto("/compliance/")
    record = pdf_text(fetched(page, "Download the record (PDF)"))
    for expected in (
        "Record of processing activities",
        "Test Clinic",
        "Second-opinion sharing",
        "Share links (second opinion)",
        "Configuration this record reflects",
    ):
        assert expected in record, expected

    now = timezone.localtime()
    stamp = "%Y-%m-%dT%H:%M"
    page.get_by_label("Member account").select_option(
        label="Clinician Tester (Clinician)"
    )
    page.get_by_label("From").fill((now - timedelta(hours=1)).strftime(stamp))
    page.get_by_label("To").fill((now + timedelta(minutes=5)).strftime(stamp))
    page.get_by_label("Practice became aware at").fill(now.strftime(stamp))
    page.get_by_role("button", name="Scope the breach").click()
    expect(page.locator("table.breach-patients")).to_contain_text("MRN-DESK-3")

    breach = pdf_text(fetched(page, "Download PDF with the draft notification"))
    for expected in (
        "Draft notification to the supervisory authority",
        "MRN-DESK-3",
        "Clinician Tester",
        "1 patient",
        compliance.user.email,
    ):
        assert expected in breach, expected
