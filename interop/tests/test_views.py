"""The timeline's downloads and "Send to PACS" (issue 14, items 2, 4 and 5)."""

import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from audit.models import AccessEvent
from interop.destinations import add_destination
from interop.models import PacsPush
from interop.tests.factories import make_record, photos_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The jobs queued after commit (each one's arguments), instead of a broker."""
    from pixiodoc import jobs

    queued = []
    monkeypatch.setattr(jobs, "send", lambda task, *args: queued.append(args))
    return queued


def test_send_to_pacs_queues_the_patients_photos(
    owner, clinician, client_for, sent, django_capture_on_commit_callbacks
):
    patient, _ = make_record(actor=clinician)
    destination = add_destination(actor=owner, name="pacs", url="http://127.0.0.1:9/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(clinician).post(
            reverse("interop:push_patient", args=[patient.uuid]),
            {"destination": str(destination.uuid)},
            follow=True,
        )
    assert "3 photos queued for pacs" in response.content.decode()
    pushes = PacsPush.objects.filter(destination=destination)
    # One job for the three: one connection to the PACS.
    assert [sorted(job) for job in sent] == [sorted(str(p.uuid) for p in pushes)]
    assert {p.status for p in pushes} == {"pending"}


def test_send_a_visit_queues_only_its_photos(owner, clinician, client_for, sent):
    patient, hand = make_record(actor=clinician)
    destination = add_destination(actor=owner, name="pacs", url="http://127.0.0.1:9/")
    client_for(owner).post(
        reverse("interop:push_visit", args=[hand.visit.uuid]),
        {"destination": str(destination.uuid)},
    )
    assert {p.photo.visit_id for p in PacsPush.objects.all()} == {hand.visit_id}


def test_sending_needs_a_destination_of_the_practice(
    owner, outsider, clinician, client_for
):
    patient, _ = make_record(actor=clinician)
    theirs = add_destination(
        actor=_owner(outsider.practice), name="pacs", url="http://127.0.0.1:9/"
    )
    response = client_for(clinician).post(
        reverse("interop:push_patient", args=[patient.uuid]),
        {"destination": str(theirs.uuid)},
        follow=True,
    )
    assert "Choose a PACS destination" in response.content.decode()
    assert not PacsPush.objects.exists()


@pytest.mark.parametrize("role", ["assistant", "compliance"])
def test_assistants_and_compliance_cannot_send(members, client_for, role):
    patient, _ = make_record(actor=members["clinician"])
    response = client_for(members[role]).post(
        reverse("interop:push_patient", args=[patient.uuid])
    )
    assert response.status_code == 403


def test_another_practices_patient_is_404(clinician, outsider, client_for):
    patient, _ = make_record(actor=clinician)
    for name in (
        "interop:push_patient",
        "interop:dicom_patient",
        "interop:fhir_patient",
    ):
        response = client_for(outsider).post(reverse(name, args=[patient.uuid]))
        assert response.status_code == 404, name


def test_the_fhir_download_is_a_valid_bundle_and_audited(assistant, client_for):
    patient, _ = make_record(actor=assistant)
    response = client_for(assistant).post(
        reverse("interop:fhir_patient", args=[patient.uuid])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store, private"
    Bundle.model_validate_json(response.content)
    event = AccessEvent.objects.get(action="fhir_exported")
    assert (event.member, event.patient_uuid) == (assistant, patient.uuid)


def test_a_visits_dicom_zip_holds_its_photos_and_a_dicomdir(clinician, client_for):
    patient, hand = make_record(actor=clinician)
    response = client_for(clinician).post(
        reverse("interop:dicom_visit", args=[hand.visit.uuid])
    )
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
    assert "DICOMDIR" in names
    assert len([n for n in names if n.endswith(".dcm")]) == 2
    event = AccessEvent.objects.get(action="dicom_exported")
    assert event.object_uuid == hand.visit.uuid
    assert sorted(event.details["photos"]) == sorted(
        str(p.uuid) for p in photos_of(patient) if p.visit_id == hand.visit_id
    )


def test_a_patients_dicom_zip_holds_every_photo(clinician, client_for):
    patient, _ = make_record(actor=clinician)
    response = client_for(clinician).post(
        reverse("interop:dicom_patient", args=[patient.uuid])
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".dcm")]) == 3


def test_the_timeline_offers_sending_and_shows_where_photos_stand(
    owner, clinician, assistant, client_for
):
    patient, hand = make_record(actor=clinician)
    destination = add_destination(actor=owner, name="main-pacs", url="http://h.example")
    PacsPush.objects.create(
        destination=destination,
        photo=hand,
        status="failed",
        reason="The PACS could not be reached. Send again once it is back.",
        requested_at=hand.created_at,
    )
    other = photos_of(patient)[1]
    PacsPush.objects.create(
        destination=destination,
        photo=other,
        status="pending",
        reason="The PACS could not be reached. It will be tried again.",
        requested_at=other.created_at,
    )
    page = client_for(clinician).get(patient.get_absolute_url()).content.decode()
    assert "Send to PACS" in page
    assert "main-pacs: 0 sent, 1 waiting, 1 failed" in page
    assert "Not sent: The PACS could not be reached. Send again" in page
    assert "Waiting: The PACS could not be reached. It will be tried again." in page
    assert "Download record as FHIR" in page
    page = client_for(assistant).get(patient.get_absolute_url()).content.decode()
    assert "Send to PACS" not in page
    assert "Download photos as DICOM" in page


def _owner(practice):
    from pixiodoc.testing import make_member

    return make_member(practice, "owner")


def test_an_owner_sets_the_uid_root_in_the_admin(owner, client_for):
    from interop.models import DicomSettings

    response = client_for(owner).post(
        reverse("admin:interop_dicomsettings_add"),
        {"uid_root": "1.2.826.0.1.3680043.10.77"},
    )
    assert response.status_code == 302
    assert DicomSettings.objects.get().practice == owner.practice


def test_the_admin_never_shows_a_stored_secret(owner, client_for):
    destination = add_destination(
        actor=owner,
        name="web",
        url="https://pacs.example/",
        auth="bearer",
        secret="token-that-must-not-show",
    )
    page = client_for(owner).get(
        reverse("admin:interop_pacsdestination_change", args=[destination.pk])
    )
    assert page.status_code == 200
    assert "token-that-must-not-show" not in page.content.decode()


def test_the_audit_pages_name_a_destination(owner):
    from audit.lookups import labels_for

    destination = add_destination(actor=owner, name="main-pacs", url="http://h.example")
    labels = labels_for(owner.practice, {"interop.pacsdestination": {destination.uuid}})
    assert labels == {
        ("interop.pacsdestination", destination.uuid): "the PACS destination main-pacs"
    }


def test_the_timeline_queries_do_not_grow_with_visits(
    owner, clinician, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from patients.tests.factories import make_visit

    patient, _ = make_record(actor=clinician)
    add_destination(actor=owner, name="pacs", url="http://h.example")
    client = client_for(clinician)
    with CaptureQueriesContext(connection) as few:
        client.get(patient.get_absolute_url())
    for day in range(1, 6):
        make_visit(actor=clinician, patient=patient, visit_on=date(2025, 3, day))
    with CaptureQueriesContext(connection) as more:
        page = client.get(patient.get_absolute_url()).content.decode()
    assert page.count("Send visit to PACS") == 7
    assert len(more) == len(few)
