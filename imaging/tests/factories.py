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
    return add_photo(
        actor=actor,
        visit=visit,
        data=data if data is not None else images.jpeg(),
        body_region=body_region,
        **extra,
    )
