"""A compliance officer finds who saw a patient and downloads the proof (issue 3)."""

import csv
import io

from pypdf import PdfReader

from patients.tests.factories import make_patient


def download(page, link: str) -> bytes:
    """Fetch what a download link on the page serves, with the browser's session.

    (Playwright's download event did not fire for these attachments in headless
    Debian Chromium here; the link's own URL and cookies are used instead.)
    """
    href = page.get_by_role("link", name=link).get_attribute("href")
    # WeasyPrint's first rendering loads fonts: slow on a busy machine.
    response = page.request.get(href, timeout=120_000)
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("attachment")
    return response.body()


# S26
def test_a_compliance_officer_filters_by_patient_and_downloads_csv_and_pdf(
    page_for, clinician, compliance
):
    patient = make_patient(actor=clinician, record_number="MRN-BROWSE-7")
    make_patient(actor=clinician, record_number="MRN-OTHER-8")
    staff = page_for(clinician)
    staff.goto(f"/patients/{patient.uuid}/")
    staff.close()

    page = page_for(compliance)
    page.goto("/")
    page.get_by_role("link", name="Audit").click()
    page.get_by_label("Patient (record number or id)").fill("MRN-BROWSE-7")
    page.get_by_role("button", name="Show events").click()
    rows = page.locator("table.audit-events tbody tr")
    viewed = rows.filter(has_text="Timeline viewed")
    assert viewed.count() == 1
    assert clinician.user.display_name in viewed.inner_text()
    # #16: the patient by record number, never a bare uuid on screen.
    assert "MRN-BROWSE-7" in viewed.inner_text()
    assert str(patient.uuid) not in page.locator("table.audit-events").inner_text()

    text = download(page, "Download CSV").decode()
    events = list(csv.DictReader(io.StringIO(text)))
    assert [e["action"] for e in events] == ["patient_created", "timeline_viewed"]
    assert {e["patient_uuid"] for e in events} == {str(patient.uuid)}
    assert events[1]["member_uuid"] == str(clinician.uuid)

    pdf = PdfReader(io.BytesIO(download(page, "Download PDF report")))
    flat = "".join("".join(p.extract_text() for p in pdf.pages).split())
    assert "Timelineviewed" in flat and "Patientcreated" in flat
    assert (
        "MRN-BROWSE-7" in flat and "".join(clinician.user.display_name.split()) in flat
    )
    assert str(patient.uuid) not in flat


# #16: the chain check runs from the page, shows its progress, then its result.
def test_a_compliance_officer_verifies_the_chain_from_the_page(
    page_for, clinician, compliance
):
    from audit.models import ChainVerification
    from audit.verification import carry_out

    make_patient(actor=clinician)
    page = page_for(compliance)
    page.goto("/audit/")
    assert page.get_by_text("has not been checked yet").is_visible()
    page.get_by_role("button", name="Verify chain now").click()
    # No worker in this test: the queued run shows as waiting until it is done.
    assert page.get_by_text("Chain check queued").is_visible()
    carry_out(ChainVerification.objects.get(practice=compliance.practice))
    # poll.js picks up the finished run and reloads the page with the result.
    page.get_by_text("Audit chain intact").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Verify chain now").is_visible()
