from datetime import date

import pytest
from django.urls import reverse

from patients.lifecycle import erasure as erasure_service
from patients.lifecycle import retention
from patients.lifecycle.models import ErasureRequest, PatientExport
from patients.tests.factories import make_patient, make_visit
from patients.tests.lifecycle_helpers import approved_erasure, make_patient_with_blobs


@pytest.mark.parametrize(
    "role,status",
    [("owner", 200), ("compliance", 200), ("clinician", 403), ("assistant", 403)],
)
def test_the_retention_page_is_for_owners_and_compliance(
    members, client_for, role, status
):
    response = client_for(members[role]).get(reverse("patients:retention"))
    assert response.status_code == status


# S33
def test_the_retention_page_shows_the_dry_run(owner, compliance, client_for):
    patient = make_patient(actor=owner)
    make_visit(actor=owner, patient=patient, visit_on=date(2001, 1, 1))
    response = client_for(compliance).get(reverse("patients:retention"))
    assert str(patient.uuid) in response.content.decode()
    assert "Nothing is removed by this page" in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_a_hold_is_placed_by_record_number(owner, compliance, client_for):
    patient = make_patient(actor=owner, record_number="HOLD-1")
    response = client_for(compliance).post(
        reverse("patients:hold_place"), {"patient": "HOLD-1", "reference": "CASE-9"}
    )
    assert response.status_code == 302
    assert patient.legal_holds.get().reference == "CASE-9"


def test_filing_and_approving_through_the_pages(clinician, compliance, client_for):
    patient = make_patient(actor=clinician)
    response = client_for(clinician).post(
        reverse("patients:erasure_create"),
        {"patient": str(patient.uuid), "asked_on": "2026-11-20", "reason": "asked"},
    )
    erasure = ErasureRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:erasure", args=[erasure.uuid])
    page = client_for(clinician).get(response["Location"]).content.decode()
    assert "a different owner or compliance officer must approve" in page
    client_for(compliance).post(
        reverse("patients:erasure_approve", args=[erasure.uuid]), {"reason": "ok"}
    )
    erasure.refresh_from_db()
    assert erasure.status == "approved"
    page = client_for(compliance).get(reverse("patients:erasure", args=[erasure.uuid]))
    assert "Waiting for the job queue" in page.content.decode()
    assert "data-poll-url" in page.content.decode()


def test_approving_ones_own_request_on_the_page_says_why(owner, client_for):
    patient = make_patient(actor=owner)
    erasure = erasure_service.request_erasure(
        actor=owner, patient=patient, asked_on=date(2026, 11, 2)
    )
    client = client_for(owner)
    response = client.post(
        reverse("patients:erasure_approve", args=[erasure.uuid]),
        {"reason": ""},
        follow=True,
    )
    assert "different owner or compliance officer" in response.content.decode()
    erasure.refresh_from_db()
    assert erasure.status == "pending"


def test_erasing_under_a_legal_hold_on_the_page_says_why(owner, compliance, client_for):
    patient = make_patient(actor=owner, record_number="H-2")
    retention.place_legal_hold(actor=compliance, patient=patient, reference="CASE-3")
    response = client_for(owner).post(
        reverse("patients:erasure_create"),
        {"patient": "H-2", "asked_on": "2026-11-20"},
    )
    assert response.status_code == 200
    assert "legal hold (reference CASE-3)" in response.content.decode()


def test_a_failed_erasure_shows_an_alert_and_a_retry_button(
    clinician, compliance, client_for
):
    patient, _ = make_patient_with_blobs(actor=clinician)
    erasure = approved_erasure(
        patient=patient, requester=clinician, approver=compliance
    )
    ErasureRequest.objects.filter(pk=erasure.pk).update(
        status="failed", failed_step="delete_blobs", error="OSError"
    )
    page = client_for(compliance).get(reverse("patients:erasure", args=[erasure.uuid]))
    html = page.content.decode()
    assert 'role="alert"' in html and "Retry from that step" in html
    client_for(compliance).post(reverse("patients:erasure_retry", args=[erasure.uuid]))
    erasure.refresh_from_db()
    assert erasure.status == "approved"


def test_the_certificate_downloads_as_a_pdf(clinician, compliance, client_for):
    patient, _ = make_patient_with_blobs(actor=clinician)
    erasure = approved_erasure(
        patient=patient, requester=clinician, approver=compliance
    )
    erasure_service.run_erasure(request_uuid=str(erasure.uuid))
    response = client_for(compliance).get(
        reverse("patients:erasure_certificate", args=[erasure.uuid])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_another_practice_sees_a_404(clinician, compliance, outsider, client_for):
    patient = make_patient(actor=clinician)
    erasure = erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 2)
    )
    response = client_for(outsider).get(
        reverse("patients:erasure", args=[erasure.uuid])
    )
    assert response.status_code == 404
    response = client_for(outsider).post(
        reverse("patients:export_start", args=[patient.uuid])
    )
    assert response.status_code == 404


def test_an_export_is_started_from_the_timeline_and_downloaded_once(
    clinician, client_for, django_capture_on_commit_callbacks
):
    from patients.lifecycle.export import build_export

    patient = make_patient(actor=clinician)
    client = client_for(clinician)
    timeline = client.get(reverse("patients:timeline", args=[patient.uuid]))
    assert "Export all data" in timeline.content.decode()
    response = client.post(reverse("patients:export_start", args=[patient.uuid]))
    export = PatientExport.objects.get()
    assert response["Location"] == reverse("patients:export", args=[export.uuid])
    assert (
        "Waiting for the job queue" in client.get(response["Location"]).content.decode()
    )
    build_export(export_uuid=str(export.uuid))
    download = reverse("patients:export_download", args=[export.uuid])
    assert client.get(download).status_code == 405  # GET changes nothing (S10)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(download)
    assert first["Content-Type"] == "application/zip"
    assert first.content.startswith(b"PK")
    second = client.post(download, follow=True)
    assert "no longer available" in second.content.decode()


def test_exporting_a_blocked_patient_says_why(clinician, compliance, client_for):
    patient = make_patient(actor=clinician)
    approved_erasure(patient=patient, requester=clinician, approver=compliance)
    response = client_for(clinician).post(
        reverse("patients:export_start", args=[patient.uuid]), follow=True
    )
    assert "being erased" in response.content.decode()
    assert not PatientExport.objects.exists()


# S26, S32: an approver sees whom they erase and what goes, before anything happens.
def test_approving_asks_first_with_the_patient_and_what_is_destroyed(
    clinician, compliance, client_for
):
    from audit.models import AccessEvent
    from consent.tests.factories import make_consent
    from imaging.tests.factories import make_photo
    from patients.lifecycle import export as export_service
    from sharing.tests.factories import make_link

    patient = make_patient(actor=clinician)
    visit = make_visit(actor=clinician, patient=patient)
    make_photo(actor=clinician, visit=visit)
    make_photo(actor=clinician, visit=visit)
    make_consent(patient=patient, witness=clinician, granted=["second_opinion"])
    make_link(actor=clinician, patient=patient)
    export_service.start_export(actor=clinician, patient=patient)
    erasure = erasure_service.request_erasure(
        actor=clinician, patient=patient, asked_on=date(2026, 11, 2)
    )
    url = reverse("patients:erasure_approve", args=[erasure.uuid])
    html = client_for(compliance).get(url).content.decode()
    assert f"{patient.given_name} {patient.family_name}" in html
    assert patient.record_number in html
    assert patient.date_of_birth.strftime("%-d %b %Y") in html
    for count, kind in [
        (2, "photos"),
        (2, "consents"),  # treatment (for the photos) and second opinion
        (1, "share links"),
        (1, "patient exports"),
        (1, "visits"),
    ]:
        assert f"<strong>{count}</strong> {kind}</li>" in html, kind
    erasure.refresh_from_db()
    assert erasure.status == "pending"
    event = AccessEvent.objects.get(action="patient_viewed")
    assert event.patient_uuid == patient.uuid
    assert event.details["page"] == "erasure_approval"
    assert {"name", "record_number", "date_of_birth"} <= set(event.details["shown"])
