"""PACS pushes count as disclosures; destinations are Art. 30 recipients (#16)."""

from audit.actions import Action, ActorType, Outcome
from audit.disclosures import disclosures_of
from audit.services import record_event
from compliance.record import build_record
from interop.models import PacsDestination
from patients.tests.factories import make_patient


def pushed(destination, patient, outcome=Outcome.OK):
    record_event(
        action=Action.PACS_PUSHED,
        practice=destination.practice,
        actor_type=ActorType.SYSTEM,
        patient=patient,
        outcome=outcome,
        details={"destination": str(destination.uuid), "status": "sent"},
    )


def test_a_sent_photo_is_a_disclosure_to_the_named_pacs(clinician, compliance):
    patient = make_patient(actor=clinician)
    destination = PacsDestination.objects.create(
        practice=clinician.practice,
        name="ward-pacs",
        protocol="dicomweb",
        url="https://pacs.example/dicom-web",
    )
    pushed(destination, patient)
    pushed(destination, patient, outcome=Outcome.FAILED)  # not sent: not disclosed

    [sent] = disclosures_of(practice=patient.practice, patient_uuid=patient.uuid)

    assert sent.recipient == "PACS ward-pacs (https://pacs.example/dicom-web)"
    assert sent.purpose.startswith("Treatment")
    recipients = dict(build_record(member=compliance).recipients)
    assert recipients["PACS destinations"] == [
        "ward-pacs: DICOMweb STOW-RS https://pacs.example/dicom-web"
    ]
