from django.urls import reverse

from audit.actions import Action
from audit.models import AccessEvent
from patients.models import Patient
from patients.tests.factories import make_patient, make_visit


def test_adding_a_patient_leads_to_their_timeline(client_for, clinician):
    response = client_for(clinician).post(
        "/patients/new/",
        {
            "given_name": "Grace",
            "family_name": "Hopper",
            "date_of_birth": "1906-12-09",
            "sex": "female",
            "record_number": "GH-1",
        },
    )
    patient = Patient.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/patients/{patient.uuid}/"
    )


def test_an_invalid_patient_form_keeps_what_was_typed(client_for, clinician):
    response = client_for(clinician).post(
        "/patients/new/",
        {"given_name": "Grace", "family_name": "", "date_of_birth": "not a date"},
    )
    assert response.status_code == 200
    assert b'value="Grace"' in response.content
    assert not Patient.objects.exists()


def test_timeline_lists_visits_newest_first_and_is_audited(client_for, clinician):
    from datetime import date

    patient = make_patient(actor=clinician)
    make_visit(
        actor=clinician, patient=patient, visit_on=date(2025, 1, 1), reason="First look"
    )
    make_visit(
        actor=clinician, patient=patient, visit_on=date(2026, 2, 2), reason="Follow-up"
    )
    response = client_for(clinician).get(f"/patients/{patient.uuid}/")
    body = response.content.decode()
    assert body.index("Follow-up") < body.index("First look")
    assert response["Cache-Control"].startswith("no-store")
    assert AccessEvent.objects.filter(
        action=Action.TIMELINE_VIEWED, patient_uuid=patient.uuid
    ).exists()


# S8
def test_another_practices_patient_is_not_found(client_for, clinician, outsider):
    patient = make_patient(actor=outsider)
    client = client_for(clinician)
    assert client.get(f"/patients/{patient.uuid}/").status_code == 404
    assert client.get(f"/patients/{patient.uuid}/edit/").status_code == 404


def test_compliance_officers_do_not_see_patients(client_for, compliance, clinician):
    patient = make_patient(actor=clinician)
    assert client_for(compliance).get(f"/patients/{patient.uuid}/").status_code == 403


def test_search_page_shows_matches(client_for, clinician):
    make_patient(actor=clinician, given_name="Searchable", family_name="Person")
    response = client_for(clinician).get("/patients/", {"q": "searchable"})
    assert b"Searchable" in response.content


# S1
def test_a_password_alone_reaches_no_patient_page(client, clinician):
    client.force_login(clinician.user)
    response = client.get("/patients/")
    assert (
        response.status_code == 302 and response["Location"] == "/accounts/two-factor/"
    )


# #12: a new visit is dated today (the practice's time zone) unless changed.
def test_the_new_visit_form_is_dated_today(client_for, clinician):
    import time_machine

    clinician.practice.time_zone = "Pacific/Auckland"
    clinician.practice.save(update_fields=["time_zone"])
    patient = make_patient(actor=clinician)
    # 20:00 UTC on 1 March is already 2 March in Auckland.
    with time_machine.travel("2026-03-01 20:00:00+00:00", tick=False):
        response = client_for(clinician).get(
            reverse("patients:visit_create", kwargs={"uuid": patient.uuid})
        )
    assert 'value="2026-03-02"' in response.content.decode()
