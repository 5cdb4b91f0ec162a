import pytest

from patients.tests.factories import make_patient
from sharing.models import ShareLink
from sharing.tests.factories import grant_second_opinion, make_shared_photo


@pytest.fixture
def patient(clinician):
    patient = make_patient(actor=clinician)
    grant_second_opinion(patient=patient, witness=clinician)
    return patient


def form_data(photo, **overrides):
    data = {
        "photos": [str(photo.uuid)],
        "recipient_name": "Dr Grey",
        "recipient_email": "grey@example.org",
        "message": "Opinion please",
        "days": "7",
    }
    data.update(overrides)
    return data


def test_the_timeline_offers_sharing_to_clinicians_only(
    client_for, clinician, assistant, patient
):
    button = "Share photos for a second opinion"
    assert (
        button
        in client_for(clinician).get(f"/patients/{patient.uuid}/").content.decode()
    )
    assert (
        button
        not in client_for(assistant).get(f"/patients/{patient.uuid}/").content.decode()
    )


def test_the_link_and_passcode_are_shown_once(client_for, clinician, patient):
    photo = make_shared_photo(actor=clinician, patient=patient)
    client = client_for(clinician)
    response = client.post(
        f"/shares/new/{patient.uuid}/", form_data(photo, with_passcode="on")
    )
    assert response.status_code == 200
    url, passcode = response.context["url"], response.context["passcode"]
    body = response.content.decode()
    assert url in body and passcode in body and "copy.js" in body
    link = ShareLink.objects.get()
    assert url.endswith(f"/s/{url.rstrip('/').rsplit('/', 1)[1]}/")
    # Nowhere else: the detail page shows neither.
    detail = client.get(f"/shares/{link.uuid}/").content.decode()
    assert url not in detail and passcode not in detail


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"days": "31"}, "days", "at most 30 days"),
        ({"recipient_email": "not-an-address"}, "recipient_email", "valid email"),
        ({"photos": []}, "photos", "at least one photo"),
    ],
)
def test_bad_input_is_a_form_error(
    client_for, clinician, patient, overrides, field, words
):
    photo = make_shared_photo(actor=clinician, patient=patient)
    response = client_for(clinician).post(
        f"/shares/new/{patient.uuid}/", form_data(photo, **overrides)
    )
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert not ShareLink.objects.exists()


def test_missing_consent_is_a_form_error(client_for, clinician):
    patient = make_patient(actor=clinician)
    photo = make_shared_photo(actor=clinician, patient=patient)
    response = client_for(clinician).post(
        f"/shares/new/{patient.uuid}/", form_data(photo)
    )
    assert "second-opinion" in " ".join(response.context["form"].non_field_errors())
    assert not ShareLink.objects.exists()


# S8
def test_another_practices_patient_is_not_found(client_for, outsider, patient):
    assert client_for(outsider).get(f"/shares/new/{patient.uuid}/").status_code == 404
