import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.http import StreamingHttpResponse
from pypdf import PdfReader

from audit.actions import Action, Outcome
from audit.alerts import check_chains
from audit.models import AccessEvent
from audit.services import record_event
from audit.tests.factories import tamper
from patients.tests.factories import make_patient


def pdf_text(content: bytes) -> str:
    """The PDF's text with all white space removed (table cells wrap long ids)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return "".join("".join(page.extract_text() for page in pages).split())


def csv_rows(response) -> list[dict]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def viewed(client_for, clinician):
    """A patient whose timeline the clinician opened through the page."""
    patient = make_patient(actor=clinician, record_number="MRN-5150")
    assert client_for(clinician).get(f"/patients/{patient.uuid}/").status_code == 200
    return patient


def test_owner_and_compliance_see_the_audit_log_others_do_not(
    client_for, owner, compliance, clinician, assistant
):
    assert client_for(owner).get("/audit/").status_code == 200
    assert client_for(compliance).get("/audit/").status_code == 200
    assert client_for(clinician).get("/audit/").status_code == 403
    assert client_for(assistant).get("/audit/export.csv").status_code == 403


def test_viewing_the_audit_log_is_itself_an_event(client_for, compliance):
    client_for(compliance).get("/audit/?action=timeline_viewed")
    event = AccessEvent.objects.get(action=Action.AUDIT_VIEWED)
    assert event.member == compliance
    assert event.details["filters"] == {"action": "timeline_viewed"}


def test_filter_by_record_number_finds_the_patient_by_uuid(
    client_for, compliance, clinician, viewed
):
    other = make_patient(actor=clinician)
    response = client_for(compliance).get("/audit/?patient=MRN-5150")
    body = response.content.decode()
    assert response.status_code == 200
    assert str(viewed.uuid) in body and str(other.uuid) not in body
    assert "timeline_viewed" in body
    assert "MRN-5150" not in AccessEvent.objects.filter(
        action=Action.AUDIT_VIEWED
    ).values_list("details", flat=True)[0].get("filters", {}).get("patient", "")


def test_filters_by_member_action_outcome_and_dates(
    client_for, compliance, owner, clinician
):
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False):
        old = record_event(action=Action.PHOTO_VIEWED, actor=clinician)
    denied = record_event(
        action=Action.PHOTO_VIEWED, actor=clinician, outcome=Outcome.DENIED
    )
    by_owner = record_event(action=Action.PHOTO_VIEWED, actor=owner)
    client = client_for(compliance)

    def ids(query):
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200
        return {e.pk for e in response.context["page"].object_list}

    assert ids(f"member={clinician.uuid}&action=photo_viewed") == {old.pk, denied.pk}
    assert ids("outcome=denied") == {denied.pk}
    assert ids("start=2026-02-01&end=2026-03-01&action=photo_viewed") == {old.pk}
    assert by_owner.pk in ids("action=photo_viewed")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-05-02&end=2026-05-01", "The end date is before the start date"),
        (
            "member=4a1d2f4e-0000-4000-8000-000000000000",
            "not a member of this practice",
        ),
        (
            "patient=NO-SUCH-RECORD",
            "No patient of this practice has this record number",
        ),
    ],
)
def test_impossible_filters_are_form_errors_not_empty_reports(
    client_for, compliance, query, message
):
    for url in ("/audit/", "/audit/export.csv", "/audit/export.pdf"):
        response = client_for(compliance).get(f"{url}?{query}")
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not AccessEvent.objects.filter(action=Action.AUDIT_EXPORTED).exists()


def test_another_practices_member_is_not_found(client_for, compliance, outsider):
    assert (
        client_for(compliance).get(f"/audit/members/{outsider.uuid}/").status_code
        == 404
    )


def test_who_accessed_this_patient(client_for, compliance, clinician, viewed, outsider):
    response = client_for(compliance).get(f"/audit/patients/{viewed.uuid}/")
    events = list(response.context["page"].object_list)
    assert {e.action for e in events} == {"patient_created", "timeline_viewed"}
    assert all(e.patient_uuid == viewed.uuid for e in events)
    assert client_for(outsider).get(f"/audit/patients/{viewed.uuid}/").status_code in (
        403,
        404,
    )


def test_what_did_this_member_do(client_for, compliance, clinician, owner, viewed):
    record_event(action=Action.PHOTO_VIEWED, actor=owner)
    response = client_for(compliance).get(f"/audit/members/{clinician.uuid}/")
    assert {e.member_id for e in response.context["page"].object_list} == {clinician.pk}
    assert clinician.user.display_name in response.content.decode()


def test_csv_export_streams_the_filtered_events_and_is_an_event(
    client_for, compliance, clinician, viewed
):
    response = client_for(compliance).get(f"/audit/export.csv?patient={viewed.uuid}")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [r["action"] for r in rows] == ["patient_created", "timeline_viewed"]
    assert rows[1]["member_uuid"] == str(clinician.uuid)
    assert rows[1]["patient_uuid"] == str(viewed.uuid)
    export = AccessEvent.objects.get(action=Action.AUDIT_EXPORTED)
    assert export.details == {"format": "csv", "filters": {"patient": str(viewed.uuid)}}


def test_csv_cells_cannot_become_spreadsheet_formulas(client_for, compliance, rf):
    request = rf.get("/", HTTP_USER_AGENT='=HYPERLINK("http://evil")')
    record_event(action=Action.SIGN_IN, actor=compliance, request=request)
    rows = csv_rows(client_for(compliance).get("/audit/export.csv?action=sign_in"))
    assert rows[0]["user_agent"].startswith("'=")


def test_pdf_report_holds_filter_totals_events_and_chain_status(
    client_for, compliance, clinician, viewed
):
    response = client_for(compliance).get(f"/audit/export.pdf?patient={viewed.uuid}")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "patient=MRN-5150" in text and str(viewed.uuid) not in text
    assert "Timelineviewed" in text
    assert "ClinicianTester" in text
    assert "notcheckedyet" in text
    assert (
        AccessEvent.objects.get(action=Action.AUDIT_EXPORTED).details["format"] == "pdf"
    )


# S28
def test_a_broken_chain_is_marked_and_the_events_still_shown(
    client_for, compliance, clinician, viewed
):
    victim = AccessEvent.objects.get(action=Action.TIMELINE_VIEWED)
    tamper("UPDATE audit_accessevent SET outcome = 'denied' WHERE id = %s", [victim.pk])
    check_chains()
    client = client_for(compliance)
    body = client.get("/audit/").content.decode()
    assert "The audit chain is broken" in body
    assert "chain broken here (edited)" in body
    assert str(viewed.uuid) in body
    rows = csv_rows(client.get("/audit/export.csv"))
    assert [r["event_id"] for r in rows if r["chain"] == "BROKEN"] == [str(victim.pk)]
    assert f"BROKENatevent{victim.pk}" in pdf_text(
        client.get("/audit/export.pdf").content
    )
