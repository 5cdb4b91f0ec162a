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


# --- Labels: what a person reads instead of a uuid ---------------------------------

Labeller = Callable[..., dict]
_labellers: dict[str, Labeller] = {}


def register_labels(object_type: str, function: Labeller) -> None:
    """`function(practice, uuids)` returns {uuid: label} for the practice's objects
    of `object_type` (a model's label_lower, as events store it)."""
    _labellers[object_type] = function


def labels_for(practice, wanted: dict[str, set]) -> dict[tuple[str, uuid.UUID], str]:
    """{(object_type, uuid): label} for every object the owning app can still name."""
    found = {}
    for object_type, uuids in wanted.items():
        labeller = _labellers.get(object_type)
        if labeller is None or not uuids:
            continue
        for key, label in labeller(practice, sorted(uuids)).items():
            found[(object_type, key)] = label
    return found
