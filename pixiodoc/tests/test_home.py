"""The landing page: the member's recent patients, one tap from the camera (issue 12)."""

from django.urls import reverse

from audit.models import AccessEvent
from imaging.tests.factories import allow_capture
from patients.selectors import recent_patients
from patients.tests.factories import make_patient


def test_recent_patients_are_the_timelines_this_member_opened_newest_first(
    client_for, clinician, owner
):
    first, second, untouched = (
        make_patient(actor=clinician, family_name=name)
        for name in ("First", "Second", "Untouched")
    )
    client = client_for(clinician)
    for patient in (second, first, second):
        client.get(patient.get_absolute_url())
    client_for(owner).get(untouched.get_absolute_url())  # someone else's view
    recent = recent_patients(member=clinician, limit=3)
    # Opened by this member first; then topped up with the practice's others.
    assert recent[:2] == [second, first]
    assert recent[2] == untouched
    assert recent_patients(member=clinician, limit=1) == [second]


def test_recent_patients_leave_out_other_practices_and_blocked_records(
    clinician, outsider
):
    make_patient(actor=outsider, family_name="Elsewhere")
    blocked = make_patient(actor=clinician, family_name="Blocked")
    blocked.blocked_at = blocked.created_at
    blocked.save(update_fields=["blocked_at"])
    assert recent_patients(member=clinician) == []


# S40
def test_the_landing_page_offers_take_photos_and_records_what_it_showed(
    client_for, clinician
):
    ready = make_patient(actor=clinician, family_name="Ready")
    allow_capture(ready, clinician)
    unconsented = make_patient(actor=clinician, family_name="Unconsented")
    newest = AccessEvent.objects.order_by("-id").first().id
    response = client_for(clinician).get(reverse("home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("imaging:capture_today", kwargs={"uuid": ready.uuid}) in body
    # No treatment consent: the row offers consent, never a camera that refuses.
    assert (
        reverse("imaging:capture_today", kwargs={"uuid": unconsented.uuid}) not in body
    )
    assert reverse("consent:start", kwargs={"uuid": unconsented.uuid}) in body
    event = AccessEvent.objects.get(id__gt=newest)
    assert event.member == clinician and event.details["page"] == "home"
    assert set(event.details["patients"]) == {str(ready.uuid), str(unconsented.uuid)}
    assert "Ready" not in str(event.details)


# DESIGN §6
def test_a_compliance_officer_sees_no_patients_on_the_landing_page(
    client_for, clinician, compliance
):
    patient = make_patient(actor=clinician, family_name="Hidden")
    newest = AccessEvent.objects.order_by("-id").first().id
    response = client_for(compliance).get(reverse("home"))
    assert response.status_code == 200
    assert patient.family_name not in response.content.decode()
    assert patient.record_number not in response.content.decode()
    assert not AccessEvent.objects.filter(id__gt=newest, member=compliance).exists()
