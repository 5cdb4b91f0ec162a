"""Builders for teaching tests (the URL walk uses them too)."""

from consent.checks import has_consent
from consent.tests.factories import grant
from imaging.tests.factories import make_photo
from patients.tests.factories import make_patient
from teaching.services import deidentify_photo
from teaching.shares import create_link
from teaching.tests.images import face_jpeg

ALL_PURPOSES = ("treatment", "second_opinion", "teaching", "publication")


def consenting_patient(*, actor, purposes=ALL_PURPOSES, **extra):
    patient = make_patient(actor=actor, **extra)
    grant(patient=patient, witness=actor, purposes=list(purposes))
    return patient


def face_photo(*, actor, patient=None):
    patient = patient or consenting_patient(actor=actor)
    return make_photo(
        actor=actor, patient=patient, data=face_jpeg(), body_region="face"
    )


def make_teaching_image(
    *, actor, photo=None, case=None, new_case_title="Case of the week", **extra
):
    photo = photo or face_photo(actor=actor)
    if not has_consent(photo.patient, "teaching"):
        grant(patient=photo.patient, witness=actor, purposes=["teaching"])
    options = {
        "edits": {
            "boxes": [{"x": 0.2, "y": 0.1, "w": 0.6, "h": 0.8, "cover": "black"}]
        },
        "title": "Facial lesion",
        "body_region": "face",
        "diagnosis": "Basal cell carcinoma",
        "tags": "bcc, before",
        **extra,
    }
    return deidentify_photo(
        actor=actor,
        photo=photo,
        case=case,
        new_case_title="" if case else new_case_title,
        **options,
    )


def make_teaching_link(*, actor, case=None, days=7):
    case = case or make_teaching_image(actor=actor).case
    return create_link(actor=actor, case=case, days=days)
