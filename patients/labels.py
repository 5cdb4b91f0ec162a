"""How the audit pages name patients and visits (audit.lookups.register_labels)."""

from django.utils import formats
from django.utils.translation import gettext as _

from patients.models import Patient, Visit


def patient_labels(practice, uuids) -> dict:
    """A patient by record number: enough for a compliance officer, no name shown."""
    rows = Patient.objects.filter(practice=practice, uuid__in=uuids).only(
        "uuid", "record_number"
    )
    return {p.uuid: p.record_number for p in rows}


def visit_labels(practice, uuids) -> dict:
    rows = Visit.objects.filter(patient__practice=practice, uuid__in=uuids).only(
        "uuid", "visit_on"
    )
    return {
        v.uuid: _("visit of %(date)s") % {"date": formats.date_format(v.visit_on)}
        for v in rows
    }


def register() -> None:
    from audit.lookups import register_labels

    register_labels("patients.patient", patient_labels)
    register_labels("patients.visit", visit_labels)
