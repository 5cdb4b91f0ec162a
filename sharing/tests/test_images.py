import io

import pytest
from django.test import Client
from PIL import Image

from audit.models import AccessEvent
from patients.tests.factories import make_patient
from pixiodoc import blobs
from sharing.tests.factories import grant_second_opinion, make_link, make_shared_photo


@pytest.fixture
def shared(clinician):
    patient = make_patient(actor=clinician)
    grant_second_opinion(patient=patient, witness=clinician)
    photo = make_shared_photo(actor=clinician, patient=patient, body_region="hand")
    return patient, photo


def opened_client(token):
    client = Client()
    assert client.post(f"/s/{token}/").status_code == 302
    return client


def stored_display(photo):
    return blobs.read_blob(
        photo.patient, obj=photo.uuid, label="display", name=photo.display_blob
    )


def test_the_share_page_lists_photos_with_visit_date_and_region(clinician, shared):
    patient, photo = shared
    _, token = make_link(actor=clinician, patient=patient, photos=[photo])
    body = opened_client(token).get(f"/s/{token}/").content.decode()
    assert f"/s/{token}/photos/{photo.uuid}/" in body
    assert photo.visit.visit_on.strftime("%-d %b %Y") in body
    assert photo.region_label in body
    assert "download" not in body.lower().replace("allow download", "")


def test_images_are_watermarked_copies_never_the_stored_pixels(clinician, shared):
    patient, photo = shared
    link, token = make_link(actor=clinician, patient=patient, photos=[photo])
    response = opened_client(token).get(f"/s/{token}/photos/{photo.uuid}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    served = response.content
    stored = stored_display(photo)
    assert served != stored
    image = Image.open(io.BytesIO(served))
    original = Image.open(io.BytesIO(stored))
    assert image.size == original.size
    # The band at the foot carries the mark: black where the photo is pale.
    foot = image.convert("RGB").getpixel((image.width - 2, image.height - 2))
    assert (
        max(foot) < 40
        and min(original.convert("RGB").getpixel((image.width - 2, image.height - 2)))
        > 150
    )
    assert not image.info.get("exif")
    event = AccessEvent.objects.get(action="share_photo_viewed")
    assert event.actor_type == "share_link" and event.actor_uuid == link.uuid
    assert event.object_uuid == photo.uuid


# S15 S25
def test_images_send_sandboxing_and_privacy_headers(clinician, shared):
    patient, photo = shared
    _, token = make_link(actor=clinician, patient=patient, photos=[photo])
    response = opened_client(token).get(f"/s/{token}/photos/{photo.uuid}/")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]


# S23
def test_images_need_an_opened_session(clinician, shared):
    patient, photo = shared
    _, token = make_link(actor=clinician, patient=patient, photos=[photo])
    response = Client().get(f"/s/{token}/photos/{photo.uuid}/")
    unknown = Client().get(f"/s/{token}x/photos/{photo.uuid}/")
    assert response.status_code == unknown.status_code == 404
    assert response.content == unknown.content


# S23
def test_a_photo_not_in_the_link_is_refused_neutrally(clinician, shared):
    patient, photo = shared
    other = make_shared_photo(actor=clinician, patient=patient)
    link, token = make_link(actor=clinician, patient=patient, photos=[photo])
    response = opened_client(token).get(f"/s/{token}/photos/{other.uuid}/")
    assert response.status_code == 404 and b"not available" in response.content
    refused = AccessEvent.objects.get(action="share_refused", actor_uuid=link.uuid)
    assert refused.reason == "not_shared"


def test_downloads_only_when_allowed(clinician, shared):
    patient, photo = shared
    _, token = make_link(actor=clinician, patient=patient, photos=[photo])
    client = opened_client(token)
    assert client.get(f"/s/{token}/photos/{photo.uuid}/download/").status_code == 404
    _, token = make_link(
        actor=clinician, patient=patient, photos=[photo], allow_download=True
    )
    client = opened_client(token)
    assert "Download" in client.get(f"/s/{token}/").content.decode()
    response = client.get(f"/s/{token}/photos/{photo.uuid}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert AccessEvent.objects.filter(action="share_downloaded").count() == 1


def test_a_deleted_photo_drops_out_of_the_link(clinician, shared):
    from imaging.services import delete_photo

    patient, photo = shared
    _, token = make_link(actor=clinician, patient=patient, photos=[photo])
    client = opened_client(token)
    delete_photo(actor=clinician, photo=photo, reason="Wrong patient")
    assert client.get(f"/s/{token}/photos/{photo.uuid}/").status_code == 404
    assert "No photographs are available" in client.get(f"/s/{token}/").content.decode()
