import json
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from audit.changelog import MASK, register_phi_model, registered_models
from patients.models import Patient, Visit
from patients.tests.factories import make_patient, make_visit
from pixiodoc.accounts.models import Member, Practice, User

PLANTED = ("Quetzalcoatl", "Xylophonica", "RN-ZZ-4242", "zanzibar@example.org")


def _entries_text(model=None) -> str:
    entries = LogEntry.objects.all()
    if model is not None:
        entries = entries.filter(content_type=ContentType.objects.get_for_model(model))
    return json.dumps(
        list(
            entries.values(
                "object_repr", "changes", "changes_text", "serialized_data", "object_pk"
            )
        ),
        default=str,
    )


def _planted_patient(actor):
    return make_patient(
        actor=actor,
        given_name=PLANTED[0],
        family_name=PLANTED[1],
        record_number=PLANTED[2],
        email=PLANTED[3],
    )


def test_models_with_phi_or_access_rights_are_registered():
    assert {Patient, Visit, Member, Practice, User} <= set(registered_models())


# S27, S29
def test_patient_changes_are_logged_with_phi_masked(clinician):
    patient = _planted_patient(clinician)
    patient.notes = "Lives at Quetzalcoatl Street"
    patient.save()
    created, updated = LogEntry.objects.get_for_object(patient).order_by("pk")
    assert created.changes["given_name"] == [MASK, MASK]
    assert updated.changes == {"notes": [MASK, MASK]}
    assert created.object_repr == f"patient {patient.uuid}"
    text = _entries_text()
    for planted in PLANTED:
        assert planted not in text
    assert "record_number_digest" not in text and "wrapped_data_key" not in text


# S29
def test_a_change_through_a_page_is_attributed_to_the_member(client_for, clinician):
    patient = make_patient(actor=clinician)
    response = client_for(clinician).post(
        f"/patients/{patient.uuid}/edit/",
        {
            "given_name": "Ada",
            "family_name": PLANTED[1],
            "date_of_birth": "1980-12-10",
            "sex": "female",
            "record_number": patient.record_number,
            "notes": "",
        },
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(patient).latest("pk")
    assert entry.actor == clinician.user
    assert entry.changes == {"family_name": [MASK, MASK]}
    assert PLANTED[1] not in _entries_text()


# S29
def test_bulk_updates_are_logged_row_by_row(clinician):
    first, second = make_patient(actor=clinician), make_patient(actor=clinician)
    before = LogEntry.objects.count()
    Patient.objects.filter(practice=clinician.practice).update(notes=PLANTED[0])
    clinician.practice.patients.update(blocked_at=None)  # nothing changes: no entry
    entries = LogEntry.objects.filter(pk__gt=0).order_by("pk")[before:]
    assert {(e.object_pk, json.dumps(e.changes)) for e in entries} == {
        (str(first.pk), json.dumps({"notes": [MASK, MASK]})),
        (str(second.pk), json.dumps({"notes": [MASK, MASK]})),
    }
    assert PLANTED[0] not in _entries_text()
    Member.objects.filter(pk=clinician.pk).update(role="assistant")
    entry = LogEntry.objects.get_for_object(clinician).latest("pk")
    assert entry.changes == {"role": ["clinician", "assistant"]}


# S29
def test_bulk_deletes_are_logged_row_by_row(clinician):
    patient = make_patient(actor=clinician)
    visits = [
        make_visit(actor=clinician, patient=patient, visit_on=date(2026, 1, d))
        for d in (1, 2)
    ]
    Visit.objects.filter(patient=patient).delete()
    deleted = LogEntry.objects.filter(
        action=LogEntry.Action.DELETE,
        content_type=ContentType.objects.get_for_model(Visit),
    )
    assert {e.object_pk for e in deleted} == {str(v.pk) for v in visits}


def test_user_changes_mask_identity_and_skip_the_password(clinician):
    user = clinician.user
    user.email = PLANTED[3]
    user.set_password("another long passphrase")
    user.save()
    entry = LogEntry.objects.get_for_object(user).latest("pk")
    assert entry.changes == {"email": [MASK, MASK]}
    assert PLANTED[3] not in _entries_text(User)


def test_registering_an_unknown_field_is_refused():
    with pytest.raises(ValueError, match="no field"):
        register_phi_model(Practice, phi_fields=["nickname"])
