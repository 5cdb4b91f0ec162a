from patients.tests.factories import make_patient


def test_a_signed_in_clinician_sees_the_patient_list(page_for, clinician):
    make_patient(actor=clinician, given_name="Browsable", family_name="Patient")
    page = page_for(clinician)
    page.goto("/patients/")
    assert page.get_by_role("heading", name="Patients").is_visible()
    assert page.get_by_role("link", name="Patient, Browsable").is_visible()
