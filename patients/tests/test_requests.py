"""The register of patients' GDPR requests and their deadlines (Art. 12(3), #16)."""

from datetime import date

import pytest
import time_machine
from django.core import mail

from audit.actions import Action
from audit.disclosures import disclosures_of
from audit.models import AccessEvent, AuditAlert
from patients.exceptions import LifecycleError
from patients.lifecycle import export as export_service
from patients.lifecycle import requests as service
from patients.lifecycle.erasure import approve_erasure, run_erasure
from patients.lifecycle.models import ErasureRequest, PatientExport, SubjectRequest
from patients.tests.factories import make_patient
from pixiodoc.testing import store_blobs_in

TODAY = "2026-03-10 09:00:00+00:00"


@pytest.fixture(autouse=True)
def blob_root(settings, tmp_path):
    return store_blobs_in(settings, tmp_path / "blobs")


@pytest.fixture
def patient(clinician):
    return make_patient(actor=clinician, record_number="MRN-REQ-1")


def registered(patient, actor, kind="access", received_on=date(2026, 3, 2)):
    return service.register_request(
        patient=patient, kind=kind, received_on=received_on, source="email", actor=actor
    )


@pytest.mark.parametrize(
    "received, due",
    [
        (date(2026, 3, 2), date(2026, 4, 2)),
        (date(2026, 1, 31), date(2026, 2, 28)),  # no 31 February: the month's end
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_the_deadline_is_one_month_from_receipt(received, due):
    assert service.add_months(received, 1) == due


@time_machine.travel(TODAY)
def test_registering_sets_the_deadline_and_is_audited(patient, compliance):
    request = registered(patient, compliance)

    assert request.due_on == date(2026, 4, 2) and request.is_open
    event = AccessEvent.objects.get(action=Action.REQUEST_REGISTERED)
    assert event.member == compliance and event.patient_uuid == patient.uuid
    assert event.details == {
        "kind": "access",
        "source": "email",
        "due_on": "2026-04-02",
    }


@time_machine.travel(TODAY)
def test_the_patient_side_registers_without_an_actor(patient):
    request = service.register_request(
        patient=patient,
        kind="withdrawal",
        received_on=date(2026, 3, 10),
        source="patient_link",
    )
    assert request.registered_by is None
    event = AccessEvent.objects.get(action=Action.REQUEST_REGISTERED)
    assert event.actor_type == "anonymous" and event.practice == patient.practice


@time_machine.travel(TODAY)
def test_a_receipt_date_in_the_future_is_refused(patient, compliance):
    with pytest.raises(LifecycleError, match="future"):
        registered(patient, compliance, received_on=date(2026, 3, 11))


@time_machine.travel(TODAY)
def test_an_extension_adds_two_months_once_and_needs_a_reason(patient, owner):
    request = registered(patient, owner)
    with pytest.raises(LifecycleError, match="reason"):
        service.extend_request(actor=owner, subject_request=request, reason=" ")

    service.extend_request(
        actor=owner, subject_request=request, reason="Twelve years of photos"
    )
    request.refresh_from_db()
    assert request.deadline == date(2026, 6, 2) and request.extended_by == owner
    with pytest.raises(LifecycleError, match="only once"):
        service.extend_request(actor=owner, subject_request=request, reason="again")


@time_machine.travel(TODAY)
def test_a_refusal_needs_its_reason_and_a_closed_request_stays_closed(
    patient, compliance
):
    request = registered(patient, compliance, kind="rectification")
    with pytest.raises(LifecycleError, match="reason"):
        service.close_request(
            actor=compliance, subject_request=request, status="refused", outcome=""
        )
    service.close_request(
        actor=compliance, subject_request=request, status="answered", outcome="Fixed"
    )
    with pytest.raises(LifecycleError, match="closed"):
        service.extend_request(actor=compliance, subject_request=request, reason="x")
    assert AccessEvent.objects.filter(action=Action.REQUEST_CLOSED).count() == 1


@time_machine.travel(TODAY)
def test_the_compliance_officer_exports_for_an_access_request_only(patient, compliance):
    with pytest.raises(LifecycleError):
        export_service.start_export(actor=compliance, patient=patient)
    rectify = registered(patient, compliance, kind="rectification")
    with pytest.raises(LifecycleError, match="access and portability"):
        service.start_request_export(actor=compliance, subject_request=rectify)

    access = registered(patient, compliance)
    export = service.start_request_export(actor=compliance, subject_request=access)
    export_service.build_export(export_uuid=str(export.uuid))
    export.refresh_from_db()
    name, archive = export_service.download_export(actor=compliance, export=export)

    assert archive.startswith(b"PK")
    access.refresh_from_db()
    assert access.export == export
    started = AccessEvent.objects.get(action=Action.EXPORT_STARTED)
    assert started.details == {"request": str(access.uuid)}
    assert AccessEvent.objects.filter(
        action=Action.EXPORT_DOWNLOADED, member=compliance
    ).exists()
    [disclosed] = disclosures_of(practice=patient.practice, patient_uuid=patient.uuid)
    assert disclosed.recipient.startswith("The patient (request received 2 Mar 2026)")
    assert disclosed.purpose == "The patient's request: Access (Art. 15)"


@time_machine.travel(TODAY)
def test_an_erasure_request_files_the_erasure_for_a_second_person(patient, compliance):
    request = registered(patient, compliance, kind="erasure")
    erasure = service.file_erasure(actor=compliance, subject_request=request)
    assert erasure.status == ErasureRequest.Status.PENDING
    assert erasure.asked_on == date(2026, 3, 2)
    with pytest.raises(LifecycleError, match="already"):
        service.file_erasure(actor=compliance, subject_request=request)


def test_an_overdue_request_alerts_the_compliance_officers_once(
    patient, compliance, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY):
        late = registered(patient, compliance, received_on=date(2026, 2, 1))
        extended = registered(patient, compliance, received_on=date(2026, 2, 1))
        service.extend_request(actor=compliance, subject_request=extended, reason="x")
        registered(patient, compliance)  # due 2 April: not late
    with (
        time_machine.travel("2026-03-02 08:00:00+00:00"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert service.alert_overdue() == 1
        assert service.alert_overdue() == 0

    alert = AuditAlert.objects.get()
    assert alert.kind == "request_overdue" and alert.subject == str(late.uuid)
    [message] = mail.outbox
    assert message.to == [compliance.user.email]
    assert "Access (Art. 15)" in message.body and "MRN-REQ-1" not in message.body


# --- pages ------------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_compliance_registers_by_record_number_without_opening_the_record(
    client_for, compliance, patient
):
    client = client_for(compliance)
    response = client.post(
        "/patients/requests/new/",
        {
            "record_number": "MRN-REQ-1",
            "kind": "portability",
            "source": "post",
            "received_on": "2026-03-09",
        },
    )
    request = SubjectRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/patients/requests/{request.uuid}/"
    assert not AccessEvent.objects.filter(
        action__in=[Action.PATIENT_VIEWED, Action.TIMELINE_VIEWED]
    ).exists()

    page = client.get(response["Location"]).content.decode()
    assert "MRN-REQ-1" in page and "9 Apr 2026" in page
    listed = client.get("/patients/requests/").content.decode()
    assert "MRN-REQ-1" in listed and "Portability (Art. 20)" in listed
    viewed = AccessEvent.objects.filter(action=Action.REQUEST_VIEWED).last()
    assert viewed.details == {"patients": [str(patient.uuid)]}


@time_machine.travel(TODAY)
def test_an_unknown_record_number_is_named_as_such(client_for, assistant):
    response = client_for(assistant).post(
        "/patients/requests/new/",
        {
            "record_number": "NOPE",
            "kind": "access",
            "source": "post",
            "received_on": "2026-03-09",
        },
    )
    assert (
        "No patient of this practice has that record number"
        in response.content.decode()
    )
    assert not SubjectRequest.objects.exists()


@time_machine.travel(TODAY)
def test_staff_register_but_do_not_see_the_register(client_for, assistant, patient):
    client = client_for(assistant)
    response = client.post(
        "/patients/requests/new/",
        {
            "record_number": "MRN-REQ-1",
            "kind": "access",
            "source": "in_person",
            "received_on": "2026-03-10",
        },
    )
    assert response["Location"] == "/patients/requests/new/"
    assert SubjectRequest.objects.get().registered_by == assistant
    assert client.get("/patients/requests/").status_code == 403


@time_machine.travel(TODAY)
def test_compliance_starts_and_downloads_the_export_from_the_request_page(
    client_for, compliance, patient
):
    request = registered(patient, compliance)
    client = client_for(compliance)
    client.post(f"/patients/requests/{request.uuid}/export/")
    export = PatientExport.objects.get()
    assert export.requested_by == compliance
    export_service.build_export(export_uuid=str(export.uuid))
    assert (
        "Download the export"
        in client.get(f"/patients/requests/{request.uuid}/").content.decode()
    )

    response = client.post(f"/patients/requests/{request.uuid}/export/download/")

    assert response["Content-Type"] == "application/zip"
    assert response.content.startswith(b"PK")


@time_machine.travel(TODAY)
def test_the_page_extends_files_the_erasure_and_closes(client_for, compliance, patient):
    request = registered(patient, compliance, kind="erasure")
    client = client_for(compliance)
    base = f"/patients/requests/{request.uuid}/"

    client.post(base + "extend/", {"reason": "Records on paper to collect"})
    client.post(base + "erasure/")
    page = client.get(base).content.decode()
    assert "2 Jun 2026" in page and "Records on paper to collect" in page
    assert "Awaiting approval" in page
    client.post(base + "close/", {"status": "answered", "outcome": "Erased"})

    request.refresh_from_db()
    assert request.status == "answered" and request.closed_by == compliance
    assert request.erasure.status == ErasureRequest.Status.PENDING


@time_machine.travel(TODAY)
def test_the_register_outlives_the_erased_record(
    client_for, owner, compliance, patient
):
    request = registered(patient, compliance, kind="erasure")
    erasure = service.file_erasure(actor=compliance, subject_request=request)
    run_erasure(request_uuid=str(approve_erasure(actor=owner, erasure=erasure).uuid))

    request.refresh_from_db()
    assert request.patient is None and request.patient_uuid == patient.uuid
    page = client_for(compliance).get(f"/patients/requests/{request.uuid}/")
    assert "(record erased)" in page.content.decode()
