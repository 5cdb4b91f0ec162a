from datetime import date

import pytest
from django.db import connection

from audit.models import AccessEvent
from patients.exceptions import PatientError
from patients.selectors import search_patients
from patients.services import update_patient
from patients.tests.factories import make_patient


# S16
def test_phi_columns_hold_ciphertext_only(clinician):
    patient = make_patient(actor=clinician, given_name="Zebedee", record_number="RN-77")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT given_name, record_number, date_of_birth FROM patients_patient "
            "WHERE id = %s",
            [patient.pk],
        )
        row = cursor.fetchone()
    assert "Zebedee" not in row[0] and "RN-77" not in row[1] and "1980" not in row[2]


def test_search_finds_by_name_token_record_number_and_birth_date(clinician):
    patient = make_patient(
        actor=clinician,
        given_name="Élodie",
        family_name="Müller-Smith",
        record_number="AB 123",
        date_of_birth=date(1975, 3, 4),
    )
    make_patient(actor=clinician, given_name="Other", family_name="Person")
    for query in (
        "elodie",
        "MULLER",
        "smith elodie",
        "ab123",
        "1975-03-04",
        "04/03/1975",
    ):
        assert list(search_patients(member=clinician, query=query)) == [patient], query


def test_search_needs_every_word_to_match(clinician):
    make_patient(actor=clinician, given_name="Ada", family_name="Lovelace")
    assert not search_patients(member=clinician, query="ada byron").exists()


# S8
def test_search_never_crosses_practices(clinician, outsider):
    make_patient(actor=outsider, given_name="Ada", family_name="Lovelace")
    assert not search_patients(member=clinician, query="lovelace").exists()


def test_record_numbers_are_unique_within_a_practice(clinician):
    make_patient(actor=clinician, record_number="X-1")
    with pytest.raises(PatientError, match="already has this record number"):
        make_patient(actor=clinician, record_number="x-1")


def test_editing_a_name_reindexes_search(clinician):
    patient = make_patient(actor=clinician, family_name="Before")
    update_patient(actor=clinician, patient=patient, family_name="After")
    assert search_patients(member=clinician, query="after").exists()
    assert not search_patients(member=clinician, query="before").exists()


# S27
def test_patient_audit_events_name_the_patient_by_uuid_only(clinician):
    patient = make_patient(
        actor=clinician, given_name="Quintessa", record_number="Q-999"
    )
    update_patient(actor=clinician, patient=patient, notes="Quintessa's notes")
    for event in AccessEvent.objects.all():
        text = str(event.__dict__)
        assert "Quintessa" not in text and "Q-999" not in text
    assert AccessEvent.objects.filter(patient_uuid=patient.uuid).count() == 2
