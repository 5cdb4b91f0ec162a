"""The accounting of disclosures of a patient (HIPAA §164.528, #16)."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from audit import disclosures as registry
from audit.actions import Action, ActorType
from audit.disclosures import Described, disclosures_of
from audit.models import AccessEvent
from audit.services import record_event
from patients.lifecycle import export as export_service
from patients.tests.factories import make_patient
from pixiodoc.testing import store_blobs_in
from sharing.models import ShareLink
from sharing.tests.factories import grant_second_opinion, make_link


@pytest.fixture
def patient(clinician):
    patient = make_patient(actor=clinician, record_number="MRN-DISC-1")
    grant_second_opinion(patient=patient, witness=clinician)
    return patient


def share_opened(clinician, patient, **fields):
    link, token = make_link(actor=clinician, patient=patient, **fields)
    assert Client().post(f"/s/{token}/").status_code == 302
    return link


def exported(actor, patient, settings, tmp_path):
    store_blobs_in(settings, tmp_path / "blobs")
    export = export_service.start_export(actor=actor, patient=patient)
    export_service.build_export(export_uuid=str(export.uuid))
    export.refresh_from_db()
    export_service.download_export(actor=actor, export=export)
    return export


def pdf_text(content: bytes) -> str:
    return " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    )


def test_a_share_open_and_an_export_are_disclosures_with_recipient_and_purpose(
    clinician, patient, settings, tmp_path
):
    share_opened(clinician, patient, recipient_name="Dr Grey")
    exported(clinician, patient, settings, tmp_path)
    record_event(action=Action.TIMELINE_VIEWED, actor=clinician, patient=patient)

    found = disclosures_of(practice=patient.practice, patient_uuid=patient.uuid)

    assert [d.event.action for d in found] == ["share_opened", "export_downloaded"]
    opened, handed = found
    assert opened.recipient == "Dr Grey <colleague@example.org>"
    assert opened.purpose.startswith("Second opinion")
    assert "Clinician Tester" in opened.purpose
    assert handed.recipient == "Handed out by Clinician Tester (Clinician)"
    assert handed.what.startswith("Copy of the whole record")


def test_a_refused_open_is_no_disclosure(clinician, patient):
    link, token = make_link(actor=clinician, patient=patient, passcode="ABCD23EFGH")
    Client().post(f"/s/{token}/", {"passcode": "WRONG"})
    assert AccessEvent.objects.filter(action="share_refused").exists()
    assert disclosures_of(practice=patient.practice, patient_uuid=patient.uuid) == []


def test_a_deleted_link_still_counts_and_says_its_record_is_gone(clinician, patient):
    link = share_opened(clinician, patient)
    ShareLink.objects.filter(pk=link.pk).delete()

    [only] = disclosures_of(practice=patient.practice, patient_uuid=patient.uuid)

    assert only.kind == "Share link opened"
    assert "not held any more" in only.recipient


def test_another_app_registers_its_own_disclosures(clinician, patient):
    def describe(practice, events):
        return {
            e.uuid: Described("Journal of Dermatology", "2 images", "Publication")
            for e in events
        }

    registry.register_disclosure("teaching_exported", describe)
    try:
        record_event(
            action="teaching_exported",
            practice=clinician.practice,
            actor_type=ActorType.SYSTEM,
            patient=patient,
        )
        [pushed] = disclosures_of(practice=patient.practice, patient_uuid=patient.uuid)
    finally:
        registry._describers.pop("teaching_exported")
    assert (pushed.recipient, pushed.what, pushed.purpose) == (
        "Journal of Dermatology",
        "2 images",
        "Publication",
    )


def test_compliance_reads_the_page_by_record_number_and_it_is_audited(
    client_for, compliance, clinician, patient
):
    share_opened(clinician, patient, recipient_name="Dr Grey")
    client = client_for(compliance)

    found = client.get("/audit/disclosures/", {"patient": "MRN-DISC-1"})
    assert found.status_code == 302
    page = client.get(found["Location"])

    assert page.status_code == 200
    text = page.content.decode()
    assert "Dr Grey" in text and "MRN-DISC-1" in text
    viewed = AccessEvent.objects.get(action=Action.DISCLOSURES_VIEWED)
    assert viewed.member == compliance and viewed.patient_uuid == patient.uuid
    assert viewed.details == {"disclosures": 1}


def test_an_unknown_record_number_says_so(client_for, compliance):
    page = client_for(compliance).get("/audit/disclosures/", {"patient": "NOPE-1"})
    assert page.status_code == 200
    assert "No patient of this practice has that record number" in page.content.decode()


def test_the_pdf_for_the_patient_names_recipient_and_record_and_is_audited(
    client_for, owner, clinician, patient
):
    share_opened(clinician, patient, recipient_name="Dr Grey")

    response = client_for(owner).get(f"/audit/patients/{patient.uuid}/disclosures.pdf")

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Accounting of disclosures" in text
    assert "MRN-DISC-1" in text and "Dr Grey" in text
    exported_event = AccessEvent.objects.get(action=Action.DISCLOSURES_EXPORTED)
    assert exported_event.patient_uuid == patient.uuid
    assert "Grey" not in str(exported_event.details)


def test_staff_may_not_see_disclosures_and_another_practice_is_404(
    client_for, clinician, outsider, patient
):
    url = f"/audit/patients/{patient.uuid}/disclosures/"
    assert client_for(clinician).get(url).status_code == 403
    outsider.role = "owner"
    outsider.save()
    assert client_for(outsider).get(url).status_code == 404


def test_looking_again_within_the_same_open_is_one_disclosure(clinician, patient):
    link, token = make_link(actor=clinician, patient=patient)
    recipient = Client()
    recipient.post(f"/s/{token}/")
    recipient.get(f"/s/{token}/")
    assert AccessEvent.objects.filter(action="share_opened").count() == 2

    assert (
        len(disclosures_of(practice=patient.practice, patient_uuid=patient.uuid)) == 1
    )
