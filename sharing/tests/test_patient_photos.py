"""Follow-up photos from the patient's phone through their link (issue 15 point 3)."""

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import translation
from PIL import Image

from audit.models import AccessEvent
from imaging.models import Photo, TrayPhoto
from imaging.testing import readable_blobs
from imaging.tests import images
from imaging.tests.factories import make_photo
from patients.tests.factories import make_visit
from sharing.patient_photos import send_photo
from sharing.tests.factories import make_patient_link, pass_identity

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def photo_link(clinician, *, asked=2, regions=("knee",), **fields):
    link, token = make_patient_link(
        actor=clinician,
        for_photos=True,
        for_consents=False,
        regions=list(regions),
        photos_asked=asked,
        **fields,
    )
    client = Client()
    assert pass_identity(client, token).status_code == 302
    return link, token, client


def stored_files(root) -> set:
    return {p for p in root.rglob("*") if p.is_file()}


def send(client, token, data=None, *, region="knee", side="left", key=""):
    headers = {"HTTP_ACCEPT": "application/json"}
    if key:
        headers["HTTP_X_UPLOAD_KEY"] = key
    upload = SimpleUploadedFile(
        "shot.jpg", data if data is not None else images.jpeg(), "image/jpeg"
    )
    return client.post(
        f"/p/{token}/photos/send/",
        {"photo": upload, "body_region": region, "laterality": side},
        **headers,
    )


def test_a_photo_lands_in_the_tray_on_no_visit_with_the_link_as_actor(
    clinician, blob_root, django_capture_on_commit_callbacks
):
    link, token, client = photo_link(clinician)

    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, token, images.exif_jpeg())

    assert response.status_code == 200
    (verdict,) = response.json()["results"]
    assert verdict["stored"] is True
    received = TrayPhoto.objects.get(uuid=verdict["photo"])
    assert (received.state, received.body_region, received.laterality) == (
        "waiting",
        "knee",
        "left",
    )
    assert received.link_uuid == link.uuid and received.patient == link.patient
    assert not Photo.objects.filter(patient=link.patient).exists()  # on no visit
    # Encrypted (S16), metadata stripped: nothing readable on disk.
    assert len(received.blob_names()) == 3
    assert readable_blobs(blob_root) == []
    event = AccessEvent.objects.get(action="patient_photo_received")
    assert (event.actor_type, event.actor_uuid) == ("patient_link", link.uuid)
    assert event.patient_uuid == link.patient.uuid


def test_the_practice_is_told_without_phi(
    clinician, owner, blob_root, django_capture_on_commit_callbacks
):
    link, token, client = photo_link(clinician, asked=3)

    with django_capture_on_commit_callbacks(execute=True):
        send(client, token)

    (notice,) = mail.outbox
    assert "follow-up photos" in notice.subject
    assert sorted(notice.to) == sorted([owner.user.email, clinician.user.email])
    patient = link.patient
    for phi in (patient.given_name, patient.family_name, patient.record_number):
        assert phi not in notice.subject and phi not in notice.body
    assert "http://testserver/" in notice.body  # a link to the app is fine

    # The second photo of three tells nobody again; the last one does.
    with django_capture_on_commit_callbacks(execute=True):
        send(client, token)
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        send(client, token)
    assert len(mail.outbox) == 2


def test_no_more_than_the_photos_asked(clinician, blob_root):
    link, token, client = photo_link(clinician, asked=2)
    assert send(client, token).status_code == 200
    assert send(client, token).status_code == 200

    response = send(client, token)

    assert response.status_code == 422
    assert "every photo it asked for" in response.json()["results"][0]["message"]
    assert TrayPhoto.objects.filter(link_uuid=link.uuid).count() == 2
    # The camera page says so instead of opening.
    page = client.get(f"/p/{token}/photos/")
    assert page.status_code == 302 and page["Location"] == f"/p/{token}/"


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_cannot_overshoot_the_count(clinician, blob_root):
    from sharing import patient_access

    link, token, client = photo_link(clinician, asked=2)
    grant = patient_access.Grant(link=link, session_uuid="s")
    data = images.jpeg()

    def one(_):
        try:
            send_photo(grant=grant, data=data, body_region="knee")
        except Exception as exc:  # noqa: BLE001 - counted below
            return type(exc).__name__
        finally:
            connection.close()  # each thread's own connection
        return "stored"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(one, range(6)))

    assert outcomes.count("stored") == 2, outcomes
    assert TrayPhoto.objects.filter(link_uuid=link.uuid).count() == 2


def test_a_retry_with_the_same_key_stores_no_second_copy(clinician, blob_root):
    link, token, client = photo_link(clinician, asked=2)

    first = send(client, token, key=KEY).json()["results"][0]
    again = send(client, token, key=KEY).json()["results"][0]

    assert first["photo"] == again["photo"]
    assert TrayPhoto.objects.filter(link_uuid=link.uuid).count() == 1


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (images.corrupt(), "damaged"),
        (images.truncated_jpeg(), "incomplete or damaged"),
        (images.pdf(), "not a photo"),
        (images.gif(), "JPEG, PNG, WebP or HEIC"),
    ],
    ids=["corrupt", "truncated", "pdf", "gif"],
)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_kept(
    clinician, blob_root, data, said
):
    link, token, client = photo_link(clinician)
    before = stored_files(blob_root)  # the consent's signature

    response = send(client, token, data)

    assert response.status_code == 422
    message = response.json()["results"][0]["message"]
    assert said in message, message
    assert "Traceback" not in message
    assert not TrayPhoto.objects.exists()
    assert stored_files(blob_root) == before
    event = AccessEvent.objects.get(action="photo_refused")
    assert event.actor_type == "patient_link" and event.details["source"] == "patient"


def test_only_the_regions_asked(clinician, blob_root):
    _, token, client = photo_link(clinician, regions=("knee",))

    response = send(client, token, region="face")

    assert response.status_code == 422
    assert (
        "body regions the practice asked for"
        in (response.json()["results"][0]["message"])
    )
    assert not TrayPhoto.objects.exists()


def test_a_consents_only_link_takes_no_photo(clinician, blob_root):
    link, token = make_patient_link(actor=clinician)  # consents only
    client = Client()
    pass_identity(client, token)

    assert send(client, token).status_code == 404
    assert client.get(f"/p/{token}/photos/").status_code == 404
    assert not TrayPhoto.objects.exists()


def test_without_the_identity_check_nothing_is_taken_or_shown(clinician, blob_root):
    link, token = make_patient_link(
        actor=clinician,
        for_photos=True,
        regions=["knee"],
        photos_asked=2,
    )
    client = Client()

    assert send(client, token).status_code == 404
    assert client.get(f"/p/{token}/photos/").status_code == 404
    assert not TrayPhoto.objects.exists()


def test_the_camera_page_offers_the_asked_regions_and_the_ghost(clinician, blob_root):
    link, token, client = photo_link(clinician, regions=("knee", "hand"))
    visit = make_visit(actor=clinician, patient=link.patient)
    ghost = make_photo(
        actor=clinician, visit=visit, body_region="knee", laterality="left"
    )
    make_photo(actor=clinician, visit=visit, body_region="face")  # not asked

    page = client.get(f"/p/{token}/photos/")

    assert page.status_code == 200
    content = page.content.decode()
    assert 'value="knee"' in content and 'value="hand"' in content
    assert 'value="face"' not in content
    assert f"/p/{token}/photos/ghost/{ghost.uuid}/" in content
    assert 'data-most="2"' in content
    assert "capture-camera.js" in content and "<script>" not in content


def test_the_ghost_is_that_photo_only_and_watermarked(clinician, blob_root):
    link, token, client = photo_link(clinician)
    visit = make_visit(actor=clinician, patient=link.patient)
    older = make_photo(actor=clinician, visit=visit, body_region="knee")
    newest = make_photo(actor=clinician, visit=visit, body_region="knee")
    other_region = make_photo(actor=clinician, visit=visit, body_region="face")

    response = client.get(f"/p/{token}/photos/ghost/{newest.uuid}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "sandbox" in response["Content-Security-Policy"]
    served = Image.open(io.BytesIO(response.content))
    assert not served.getexif()
    # The watermark's dark band at the foot: not the stored rendition.
    width, height = served.size
    assert served.convert("L").getpixel((width - 2, height - 2)) < 30
    event = AccessEvent.objects.get(action="share_photo_viewed")
    assert event.actor_type == "patient_link" and event.object_uuid == newest.uuid
    for refused in (older, other_region):
        assert client.get(f"/p/{token}/photos/ghost/{refused.uuid}/").status_code == 404


def test_the_home_page_offers_the_camera_while_photos_are_left(clinician, blob_root):
    _, token, client = photo_link(clinician, asked=1)

    assert b"Take the photos" in client.get(f"/p/{token}/").content
    send(client, token)
    home = client.get(f"/p/{token}/").content
    assert b"Take the photos" not in home
    assert b"every photo it asked for" in home


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("de", "Kamera wechseln"),
        ("fr", "Changer de caméra"),
        ("es", "Cambiar de cámara"),
    ],
)
def test_the_camera_page_speaks_the_patients_language(
    clinician, blob_root, language, words
):
    _, token, client = photo_link(clinician)

    # LocaleMiddleware leaves the language active in this thread: put it back.
    with translation.override(None):
        page = client.get(f"/p/{token}/photos/", HTTP_ACCEPT_LANGUAGE=language)

    assert words in page.content.decode()
    assert f"/jsi18n/{language}/" in page.content.decode()
