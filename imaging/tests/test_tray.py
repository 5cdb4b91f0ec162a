"""The "From the patient" tray: accept onto a visit, reject with crypto-erasure (issue 15)."""

from datetime import date

import pytest
from django.core.files.storage import default_storage

from audit.actions import ActorType
from audit.models import AccessEvent
from imaging import tray
from imaging.exceptions import ImagingError
from imaging.models import Photo, TrayPhoto
from imaging.tests import images
from imaging.tests.factories import allow_capture
from patients.tests.factories import make_patient, make_visit
from pixiodoc import blobs, crypto

pytestmark = pytest.mark.django_db

LINK = "6a1f4a3e-0000-4000-8000-000000000001"


def received(patient, *, region="knee", side="left", data=None):
    """A photo as a patient link delivers it (the link is only a uuid to imaging)."""
    return tray.receive(
        patient=patient,
        link_uuid=LINK,
        data=data if data is not None else images.exif_jpeg(),
        body_region=region,
        laterality=side,
        audit_as={
            "actor_type": ActorType.PATIENT_LINK,
            "actor_uuid": LINK,
            "practice": patient.practice,
        },
    )


@pytest.fixture
def patient(clinician):
    patient = make_patient(actor=clinician)
    allow_capture(patient, clinician)
    return patient


def test_accepting_onto_an_existing_visit_makes_a_patient_taken_photo(
    clinician, patient, blob_root
):
    waiting = received(patient)
    old_names = waiting.blob_names()
    visit = make_visit(actor=clinician, patient=patient, visit_on=date(2026, 3, 1))

    photo = tray.accept(actor=clinician, tray=waiting, visit=visit)

    assert photo.uuid == waiting.uuid and photo.visit == visit
    assert (photo.source, photo.body_region, photo.laterality) == (
        "patient",
        "knee",
        "left",
    )
    # Re-encrypted under the patient's key; the tray's key and blobs are gone.
    assert blobs.read_blob(
        patient, obj=photo.uuid, label="original", name=photo.original_blob
    ).startswith(b"\xff\xd8")
    assert not any(default_storage.exists(n) for n in old_names)
    waiting.refresh_from_db()
    assert (waiting.state, waiting.sealed_key, waiting.blob_names()) == (
        "accepted",
        None,
        [],
    )
    assert waiting.photo == photo and waiting.decided_by == clinician
    event = AccessEvent.objects.get(action="patient_photo_accepted")
    assert event.member == clinician and event.object_uuid == photo.uuid
    assert event.details["visit"] == str(visit.uuid)


def test_accepting_onto_a_new_visit_makes_that_visit(clinician, patient, blob_root):
    waiting = received(patient)

    photo = tray.accept(actor=clinician, tray=waiting, visit_on=date(2026, 4, 2))

    assert photo.visit.visit_on == date(2026, 4, 2)
    assert photo.visit.reason == tray.TRAY_VISIT_REASON


def test_rejecting_destroys_the_key_and_the_blobs(clinician, patient, blob_root):
    waiting = received(patient)
    names = waiting.blob_names()
    original = waiting.original_blob
    sealed = bytes(waiting.sealed_key)
    ciphertext = {n: default_storage.open(n).read() for n in names}

    tray.reject(actor=clinician, tray=waiting)

    waiting.refresh_from_db()
    assert (waiting.state, waiting.sealed_key, waiting.blob_names()) == (
        "rejected",
        None,
        [],
    )
    assert not any(default_storage.exists(n) for n in names)
    assert not Photo.objects.filter(uuid=waiting.uuid).exists()
    # A copy of the ciphertext kept elsewhere (a backup) is useless without the
    # destroyed key, while the patient's own key still opens their other blobs.
    with pytest.raises(crypto.IntegrityError):
        crypto.decrypt(
            blobs.data_key(patient),
            ciphertext[original],
            crypto.blob_aad(
                patient=str(patient.uuid), obj=str(waiting.uuid), label="original"
            ),
        )
    with pytest.raises(crypto.KeyDestroyed):
        tray._photo_key(waiting)
    assert sealed  # there was a key to destroy
    event = AccessEvent.objects.get(action="patient_photo_rejected")
    assert event.member == clinician and event.details["key_destroyed"] is True


def test_a_decided_photo_cannot_be_decided_again(clinician, patient, blob_root):
    waiting = received(patient)
    tray.reject(actor=clinician, tray=waiting)

    with pytest.raises(ImagingError, match="already accepted or rejected"):
        tray.accept(actor=clinician, tray=waiting, visit_on=date(2026, 4, 2))
    with pytest.raises(ImagingError, match="already accepted or rejected"):
        tray.reject(actor=clinician, tray=TrayPhoto.objects.get(pk=waiting.pk))


# DESIGN §6: adding photos is for every staff role, deleting for owners and clinicians.
@pytest.mark.parametrize(
    ("role", "may_accept", "may_reject"),
    [
        ("owner", True, True),
        ("clinician", True, True),
        ("assistant", True, False),
        ("compliance", False, False),
    ],
)
def test_who_may_accept_and_reject(
    members, patient, blob_root, role, may_accept, may_reject
):
    member = members[role]
    for may, decide in (
        (
            may_accept,
            lambda t: tray.accept(actor=member, tray=t, visit_on=date.today()),
        ),
        (may_reject, lambda t: tray.reject(actor=member, tray=t)),
    ):
        waiting = received(patient)
        if may:
            decide(waiting)
        else:
            with pytest.raises(ImagingError):
                decide(waiting)
            assert TrayPhoto.objects.get(pk=waiting.pk).is_waiting


def test_another_practice_cannot_touch_the_tray(outsider, patient, blob_root):
    waiting = received(patient)

    with pytest.raises(ImagingError, match="another practice"):
        tray.accept(actor=outsider, tray=waiting, visit_on=date.today())
    with pytest.raises(ImagingError, match="another practice"):
        tray.reject(actor=outsider, tray=waiting)


def test_a_visit_of_another_patient_is_refused(clinician, patient, blob_root):
    other = make_patient(actor=clinician)
    visit = make_visit(actor=clinician, patient=other)

    with pytest.raises(ImagingError, match="this patient's visits"):
        tray.accept(actor=clinician, tray=received(patient), visit=visit)


def test_the_orphan_sweep_keeps_waiting_photos(clinician, patient, blob_root):
    from imaging.apps import referenced_blobs

    waiting = received(patient)

    assert set(waiting.blob_names()) <= set(referenced_blobs([patient.uuid]))


# --- the timeline and the staff pages -------------------------------------------------


def test_the_timeline_shows_the_tray_with_accept_and_reject(
    client_for, clinician, patient, blob_root
):
    waiting = received(patient)
    make_visit(actor=clinician, patient=patient, visit_on=date(2026, 3, 1))

    page = client_for(clinician).get(patient.get_absolute_url()).content.decode()

    assert "From the patient" in page and "Taken by the patient" in page
    assert f"/photos/tray/{waiting.uuid}/thumb/" in page
    assert f"/photos/tray/{waiting.uuid}/accept/" in page
    assert f"/photos/tray/{waiting.uuid}/reject/" in page


def test_an_assistant_sees_accept_but_not_reject(
    client_for, assistant, patient, blob_root
):
    waiting = received(patient)

    page = client_for(assistant).get(patient.get_absolute_url()).content.decode()

    assert f"/photos/tray/{waiting.uuid}/accept/" in page
    assert f"/photos/tray/{waiting.uuid}/reject/" not in page
    assert (
        client_for(assistant).get(f"/photos/tray/{waiting.uuid}/reject/").status_code
        == 403
    )


def test_accept_through_the_page_onto_a_new_visit(
    client_for, clinician, patient, blob_root
):
    waiting = received(patient)

    response = client_for(clinician).post(
        f"/photos/tray/{waiting.uuid}/accept/",
        {"visit": "new", "visit_on": "2026-05-06"},
    )

    photo = Photo.objects.get(uuid=waiting.uuid)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#visit-{photo.visit.uuid}")
    assert photo.visit.visit_on == date(2026, 5, 6)


def test_a_new_visit_needs_its_date(client_for, clinician, patient, blob_root):
    waiting = received(patient)
    client = client_for(clinician)

    response = client.post(f"/photos/tray/{waiting.uuid}/accept/", {"visit": "new"})

    assert response.status_code == 302
    assert TrayPhoto.objects.get(pk=waiting.pk).is_waiting
    page = client.get(response["Location"]).content.decode()
    assert "Give the date of the new visit." in page


def test_reject_asks_once_then_erases(client_for, clinician, patient, blob_root):
    waiting = received(patient)
    client = client_for(clinician)

    confirm = client.get(f"/photos/tray/{waiting.uuid}/reject/")
    assert confirm.status_code == 200
    assert b"Reject and erase" in confirm.content
    assert TrayPhoto.objects.get(pk=waiting.pk).is_waiting

    assert client.post(f"/photos/tray/{waiting.uuid}/reject/").status_code == 302
    assert TrayPhoto.objects.get(pk=waiting.pk).state == "rejected"
    # Gone from every page: the tray, its images.
    assert client.get(f"/photos/tray/{waiting.uuid}/thumb/").status_code == 404


def test_a_tray_image_is_served_decrypted_and_audited(
    client_for, clinician, patient, blob_root
):
    waiting = received(patient)

    response = client_for(clinician).get(f"/photos/tray/{waiting.uuid}/display/")

    assert response.status_code == 200 and response.content.startswith(b"\xff\xd8")
    assert "sandbox" in response["Content-Security-Policy"]
    event = AccessEvent.objects.get(action="photo_viewed", object_uuid=waiting.uuid)
    assert event.member == clinician


def test_another_practices_tray_photo_is_a_404(
    client_for, outsider, patient, blob_root
):
    waiting = received(patient)
    client = client_for(outsider)

    assert client.get(f"/photos/tray/{waiting.uuid}/thumb/").status_code == 404
    assert (
        client.post(
            f"/photos/tray/{waiting.uuid}/accept/", {"visit": "new"}
        ).status_code
        == 404
    )
    assert client.get(f"/photos/tray/{waiting.uuid}/reject/").status_code == 404


def test_the_patient_export_holds_the_waiting_photos(clinician, patient, blob_root):
    from imaging.lifecycle import tray_export_section

    waiting = received(patient)
    tray.reject(actor=clinician, tray=received(patient))  # erased: not exported

    part = tray_export_section(patient)
    files = dict(part.files)

    assert [r["uuid"] for r in part.data] == [str(waiting.uuid)]
    assert files[f"{waiting.uuid}.jpg"].startswith(b"\xff\xd8")
    assert part.unreadable == 0
