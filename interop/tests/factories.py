"""A patient with photos on two visits, as the mapping tests need them."""

from datetime import date, datetime

from django.utils import timezone

from imaging.models import Photo
from imaging.tests import images
from imaging.tests.factories import make_photo
from patients.tests.factories import make_patient, make_visit


def make_record(*, actor, **patient_fields):
    """A patient with three photos: two of the left hand on one visit (one
    with a capture time), one of the face on a later visit."""
    patient = make_patient(actor=actor, **patient_fields)
    first = make_visit(actor=actor, patient=patient, visit_on=date(2026, 1, 15))
    second = make_visit(actor=actor, patient=patient, visit_on=date(2026, 2, 20))
    hand = make_photo(
        actor=actor,
        visit=first,
        body_region="hand",
        laterality="left",
        data=images.exif_jpeg(taken="2026:01:15 09:30:05", gps=False),
    )
    make_photo(actor=actor, visit=first, body_region="hand", laterality="left")
    make_photo(actor=actor, visit=second, body_region="face")
    return patient, hand


def photos_of(patient):
    return list(
        Photo.objects.filter(patient=patient)
        .select_related("patient__practice", "visit")
        .order_by("pk")
    )


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)
