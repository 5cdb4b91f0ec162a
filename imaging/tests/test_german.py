"""A member who chose German is told in German why a file was refused, and reads sites in German (issue 18)."""

import pytest

from imaging.tests import images
from imaging.tests.factories import allow_capture, make_photo
from imaging.tests.test_views import upload
from patients.tests.factories import make_patient, make_visit


@pytest.fixture
def visit(clinician):
    visit = make_visit(actor=clinician, patient=make_patient(actor=clinician))
    allow_capture(visit.patient, clinician)
    return visit


def test_a_refused_file_is_explained_in_german(client_for, clinician, visit, speaking):
    client = client_for(speaking(clinician, "de"))
    response = upload(client, visit, [("x.pdf", images.pdf())], json_reply=False)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Ergebnis des Hochladens" in body and "abgelehnt." in body
    assert "Diese Datei ist kein Foto, das PixioDoc annimmt." in body
    assert "not a photo PixioDoc accepts" not in body


def test_the_camera_page_verdict_is_german_too(client_for, clinician, visit, speaking):
    client = client_for(speaking(clinician, "de"))
    results = upload(client, visit, [("broken.jpg", images.truncated_jpeg())]).json()
    assert results["results"][0]["message"] == (
        "Die Datei ist unvollständig oder beschädigt. Nehmen Sie das Foto erneut "
        "auf oder exportieren Sie es erneut."
    )


def test_region_and_side_read_in_german_on_the_timeline(
    client_for, clinician, speaking
):
    photo = make_photo(actor=clinician, body_region="knee", laterality="left")
    client = client_for(speaking(clinician, "de"))
    body = client.get(photo.patient.get_absolute_url()).content.decode()
    assert "Knie, links" in body and "Fotos aufnehmen" in body
    assert "Knee, left" not in body
