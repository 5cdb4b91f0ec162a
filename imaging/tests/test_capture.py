"""The phone camera page, its entry point and consent before work (issue 12)."""

from datetime import UTC, date, datetime

from django.urls import reverse

from audit.actions import Action
from audit.models import AccessEvent
from consent.services import withdraw_consent
from consent.tests.factories import grant
from imaging.models import Photo
from imaging.tests.factories import allow_capture, make_photo
from patients.models import Visit
from patients.tests.factories import make_patient, make_visit
from sharing.tests.factories import make_link


def capture_today(client, patient):
    return client.post(reverse("imaging:capture_today", kwargs={"uuid": patient.uuid}))


def capture_page(client, visit):
    return client.get(reverse("imaging:capture", kwargs={"uuid": visit.uuid}))


def timeline(client, patient, query=""):
    return client.get(f"{patient.get_absolute_url()}{query}").content.decode()


def test_taking_photos_makes_todays_visit_in_the_practice_time_zone(
    client_for, clinician, time_machine
):
    # 23:30 UTC on 1 March is already 2 March in Auckland: the practice's day counts.
    clinician.practice.time_zone = "Pacific/Auckland"
    clinician.practice.save(update_fields=["time_zone"])
    time_machine.move_to(datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    patient = make_patient(actor=clinician)
    allow_capture(patient, clinician)
    client = client_for(clinician)
    response = capture_today(client, patient)
    visit = Visit.objects.get(patient=patient)
    assert visit.visit_on == date(2026, 3, 2)
    assert response.status_code == 302
    assert response["Location"] == reverse("imaging:capture", args=[visit.uuid])
    # A second tap the same day uses the same visit.
    assert capture_today(client, patient)["Location"] == response["Location"]
    assert Visit.objects.filter(patient=patient).count() == 1


def test_an_existing_visit_of_today_is_used(client_for, clinician, time_machine):
    time_machine.move_to(datetime(2026, 4, 7, 10, 0, tzinfo=UTC))
    patient = make_patient(actor=clinician)
    allow_capture(patient, clinician)
    visit = make_visit(actor=clinician, patient=patient, visit_on=date(2026, 4, 7))
    response = capture_today(client_for(clinician), patient)
    assert response["Location"] == reverse("imaging:capture", args=[visit.uuid])


def test_without_treatment_consent_no_visit_is_made(client_for, clinician):
    patient = make_patient(actor=clinician)
    response = capture_today(client_for(clinician), patient)
    assert response["Location"] == reverse("consent:start", args=[patient.uuid])
    assert not Visit.objects.filter(patient=patient).exists()


# S8
def test_the_camera_is_for_members_who_may_add_photos(
    client_for, clinician, compliance, outsider
):
    patient = make_patient(actor=clinician)
    allow_capture(patient, clinician)
    visit = make_visit(actor=clinician, patient=patient)
    assert capture_page(client_for(compliance), visit).status_code == 403
    assert capture_page(client_for(outsider), visit).status_code == 404
    assert capture_today(client_for(outsider), patient).status_code == 404
    assert not Visit.objects.exclude(pk=visit.pk).exists()


def test_the_camera_page_starts_with_the_last_region_and_side(client_for, clinician):
    patient = make_patient(actor=clinician)
    visit = make_visit(actor=clinician, patient=patient)
    knee = make_photo(actor=clinician, visit=visit, body_region="knee")
    hand = make_photo(
        actor=clinician, visit=visit, body_region="hand", laterality="left"
    )
    response = capture_page(client_for(clinician), visit)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="hand" selected>' in html
    assert 'name="laterality" value="left" checked' in html
    # The ghost of each region and side, keyed so the other side is never offered.
    ghosts = response.context["start"].ghosts
    assert ghosts == {"knee:": knee.display_url, "hand:left": hand.display_url}
    # One camera: the script asks for it; the file input is its fallback only.
    assert "js/capture-camera.js" in html and 'capture="environment"' in html
    assert html.count('type="file"') == 1
    assert "<script>" not in html and "onclick" not in html  # S35
    assert response["Cache-Control"].startswith("no-store")


# S40
def test_the_camera_page_is_audited(client_for, clinician):
    patient = make_patient(actor=clinician)
    visit = make_visit(actor=clinician, patient=patient)
    photo = make_photo(actor=clinician, visit=visit, body_region="knee")
    before = AccessEvent.objects.filter(action=Action.PHOTO_VIEWED).count()
    capture_page(client_for(clinician), visit)
    events = AccessEvent.objects.filter(action=Action.PHOTO_VIEWED)
    assert events.count() == before + 1
    event = events.latest("id")
    assert event.details["page"] == "capture"
    assert event.details["photos"] == [str(photo.uuid)]
    assert event.patient_uuid == patient.uuid


def test_without_treatment_consent_the_camera_page_offers_record_consent(
    client_for, clinician
):
    patient = make_patient(actor=clinician)
    visit = make_visit(actor=clinician, patient=patient)
    response = capture_page(client_for(clinician), visit)
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("consent:start", args=[patient.uuid]) in html
    assert "Record consent" in html
    assert "capture-camera.js" not in html and 'type="file"' not in html


def test_the_timeline_offers_the_camera_only_with_consent(client_for, clinician):
    patient = make_patient(actor=clinician)
    visit = make_visit(actor=clinician, patient=patient)
    client = client_for(clinician)
    entry = reverse("imaging:capture_today", args=[patient.uuid])
    camera = reverse("imaging:capture", args=[visit.uuid])

    html = timeline(client, patient)
    assert entry not in html and camera not in html
    assert "Record consent before taking photos" in html

    grant(patient=patient, witness=clinician, purposes=["treatment"])
    html = timeline(client, patient)
    assert entry in html and camera in html
    assert "Record consent before taking photos" not in html

    withdraw_consent(actor=clinician, patient=patient, purpose="treatment")
    html = timeline(client, patient)
    assert entry not in html and "Record consent before taking photos" in html


def test_the_share_action_says_why_without_second_opinion_consent(
    client_for, clinician
):
    patient = make_patient(actor=clinician)
    client = client_for(clinician)
    create = reverse("sharing:create", args=[patient.uuid])
    html = timeline(client, patient)
    assert create not in html
    assert "Sharing is closed." in html and "second-opinion sharing" in html
    grant(patient=patient, witness=clinician, purposes=["second_opinion"])
    html = timeline(client, patient)
    assert create in html and "Sharing is closed." not in html


def test_done_marks_the_new_photos_on_the_timeline(client_for, clinician):
    patient = make_patient(actor=clinician)
    visit = make_visit(actor=clinician, patient=patient)
    old = make_photo(actor=clinician, visit=visit)
    new = make_photo(actor=clinician, visit=visit)
    html = timeline(client_for(clinician), patient, f"?new={new.uuid},not-a-uuid")
    assert html.count('class="is-new"') == 1
    assert html.index('class="is-new"') > html.index(str(old.uuid))


def test_every_caption_names_region_and_side(client_for, clinician):
    patient = make_patient(actor=clinician)
    allow_capture(patient, clinician)
    grant(patient=patient, witness=clinician, purposes=["second_opinion"])
    first = make_visit(actor=clinician, patient=patient, visit_on=date(2026, 1, 1))
    later = make_visit(actor=clinician, patient=patient, visit_on=date(2026, 2, 1))
    left = make_photo(
        actor=clinician, visit=first, body_region="knee", laterality="left"
    )
    make_photo(actor=clinician, visit=later, body_region="knee", laterality="right")
    make_photo(actor=clinician, visit=later, body_region="nose")
    client = client_for(clinician)
    pages = {
        "timeline": patient.get_absolute_url(),
        "gallery": reverse("imaging:gallery", args=[patient.uuid]),
        "compare": reverse("imaging:compare", args=[patient.uuid])
        + f"?a={left.uuid}&b={Photo.objects.get(laterality='right').uuid}",
    }
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert "Knee, left" in html and "Knee, right" in html, name
    html = client.get(reverse("imaging:gallery", args=[patient.uuid])).content.decode()
    assert "Nose, no side" in html
    viewer = client.get(left.get_absolute_url()).content.decode()
    assert "Knee, left" in viewer


def test_the_share_page_captions_name_region_and_side(clinician):
    from django.test import Client

    patient = make_patient(actor=clinician)
    photo = make_photo(actor=clinician, patient=patient, laterality="both")
    grant(patient=patient, witness=clinician, purposes=["second_opinion"])
    _, token = make_link(actor=clinician, patient=patient, photos=[photo])
    client = Client()
    client.post(f"/s/{token}/")
    assert "Hand, both sides" in client.get(f"/s/{token}/").content.decode()
