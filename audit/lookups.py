"""Lookups that higher apps register so audit can resolve references without importing them.

DESIGN.md §1: audit sits below patients and must not import its models. The
compliance pages filter by a patient's record number; patients registers the
function that turns a record number into the patient's uuid (through its blind
index) from its AppConfig.ready():

    from audit.lookups import register_patient_lookup
    register_patient_lookup(patient_uuid_for_record_number)

The function takes (practice, text) and returns a uuid or None. Audit never
sees the patient row, only the uuid it stores events under.
"""

import uuid
from collections.abc import Callable

_patient_lookup: Callable | None = None


def register_patient_lookup(function: Callable) -> None:
    global _patient_lookup
    _patient_lookup = function


def patient_uuid(practice, text: str) -> uuid.UUID | None:
    """The uuid of the practice's patient named by `text` (a uuid or a record number)."""
    text = text.strip()
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    if _patient_lookup is None or not text:
        return None
    return _patient_lookup(practice, text)
