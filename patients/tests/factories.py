from datetime import date
from itertools import count

from patients.models import Patient, Visit
from patients.services import create_patient, create_visit

_numbers = count(1)


def make_patient(
    *,
    actor,
    given_name="Ada",
    family_name="Lovelace",
    date_of_birth=date(1980, 12, 10),
    record_number=None,
    **extra,
) -> Patient:
    return create_patient(
        actor=actor,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        sex=extra.pop("sex", "female"),
        record_number=record_number or f"R-{next(_numbers):05d}",
        **extra,
    )


def make_visit(*, actor, patient, visit_on=date(2026, 1, 15), **extra) -> Visit:
    return create_visit(actor=actor, patient=patient, visit_on=visit_on, **extra)
