from consent.checks import has_consent
from consent.tests.factories import grant
from imaging.services import add_photo
from imaging.tests import images
from patients.tests.factories import make_patient, make_visit


def make_photo(
    *, actor, patient=None, visit=None, data=None, body_region="hand", **extra
):
    """A stored photo (through the real pipeline) on a visit of a patient."""
    if visit is None:
        patient = patient or make_patient(actor=actor)
        visit = make_visit(actor=actor, patient=patient)
    allow_capture(visit.patient, actor)
    return add_photo(
        actor=actor,
        visit=visit,
        data=data if data is not None else images.jpeg(),
        body_region=body_region,
        **extra,
    )


def allow_capture(patient, actor):
    """Photos need the patient's treatment consent: record it once."""
    if not has_consent(patient, "treatment"):
        grant(patient=patient, witness=actor, purposes=["treatment"])


def make_tray_photo(*, actor, patient=None, link_uuid=None, body_region="knee"):
    """A photo waiting in the "From the patient" tray, as a patient link sends it."""
    import uuid

    from audit.actions import ActorType
    from imaging import tray

    patient = patient or make_patient(actor=actor)
    allow_capture(patient, actor)
    link_uuid = link_uuid or uuid.uuid4()
    return tray.receive(
        patient=patient,
        link_uuid=link_uuid,
        data=images.jpeg(),
        body_region=body_region,
        audit_as={
            "actor_type": ActorType.PATIENT_LINK,
            "actor_uuid": link_uuid,
            "practice": patient.practice,
        },
    )
