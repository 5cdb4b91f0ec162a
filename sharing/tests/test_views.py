from datetime import timedelta

from django.test import Client
from django.utils import timezone

from audit.models import AccessEvent
from sharing.models import ShareLink
from sharing.tests.factories import make_link


def test_the_shared_links_page_lists_active_and_past_links(client_for, clinician):
    live, _ = make_link(actor=clinician, recipient_name="Dr Live")
    gone, _ = make_link(actor=clinician, recipient_name="Dr Gone")
    ShareLink.objects.filter(pk=gone.pk).update(revoked_at=timezone.now())
    response = client_for(clinician).get("/shares/")
    assert response.status_code == 200
    active, past = response.context["active"], response.context["past"]
    assert [link.pk for link, _ in active] == [live.pk]
    assert [(link.pk, s.reason) for link, s in past] == [(gone.pk, "revoked")]
    body = response.content.decode()
    assert "Closed: Revoked" in body and "Lovelace, Ada" in body


def test_closed_links_say_why(client_for, clinician):
    link, _ = make_link(actor=clinician, open_limit=1)
    ShareLink.objects.filter(pk=link.pk).update(opens=1)
    body = client_for(clinician).get(f"/shares/{link.uuid}/").content.decode()
    assert "Closed: Open limit reached" in body
    link.patient.blocked_at = timezone.now()
    link.patient.save(update_fields=["blocked_at"])
    body = client_for(clinician).get("/shares/").content.decode()
    assert "Closed: Patient erasure requested" in body


def test_compliance_sees_links_without_patient_names(client_for, clinician, compliance):
    link, _ = make_link(actor=clinician, message="clinical details")
    body = client_for(compliance).get(f"/shares/{link.uuid}/").content.decode()
    assert "Lovelace" not in body and "clinical details" not in body
    assert "Revoke now" in body


def test_compliance_officers_can_revoke_any_link_of_the_practice(
    client_for, clinician, compliance
):
    link, token = make_link(actor=clinician)
    recipient = Client()
    recipient.post(f"/s/{token}/")
    response = client_for(compliance).post(f"/shares/{link.uuid}/revoke/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == compliance
    assert recipient.get(f"/s/{token}/").status_code == 404
    revoked = AccessEvent.objects.get(action="share_revoked")
    assert revoked.member == compliance and revoked.object_uuid == link.uuid


def test_assistants_cannot_see_or_revoke_links(client_for, clinician, assistant):
    link, _ = make_link(actor=clinician)
    assert client_for(assistant).get("/shares/").status_code == 403
    assert client_for(assistant).post(f"/shares/{link.uuid}/revoke/").status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


# S8
def test_another_practices_link_is_not_found(client_for, clinician, outsider):
    link, _ = make_link(actor=clinician)
    assert client_for(outsider).get(f"/shares/{link.uuid}/").status_code == 404
    assert client_for(outsider).post(f"/shares/{link.uuid}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_the_extend_form_shows_the_current_expiry(client_for, clinician):
    link, _ = make_link(actor=clinician, days=7)
    body = client_for(clinician).get(f"/shares/{link.uuid}/").content.decode()
    # ISO, so the date input shows it (en-gb's 02/12/2026 would show an empty field).
    day = timezone.localdate(link.expires_at).isoformat()
    assert f'name="expires_on" value="{day}"' in body


# S22
def test_extend_within_the_practice_maximum(client_for, clinician, practice):
    practice.share_link_max_days = 14
    practice.save()
    link, _ = make_link(actor=clinician, days=7)
    day = timezone.localdate(link.created_at + timedelta(days=10))
    response = client_for(clinician).post(
        f"/shares/{link.uuid}/extend/", {"expires_on": day.isoformat()}
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert timezone.localdate(link.expires_at) == day
    event = AccessEvent.objects.get(action="share_extended")
    assert event.object_uuid == link.uuid


# S22
def test_extend_past_the_maximum_is_a_form_error(client_for, clinician, practice):
    practice.share_link_max_days = 14
    practice.save()
    link, _ = make_link(actor=clinician, days=7)
    before = link.expires_at
    day = timezone.localdate(link.created_at + timedelta(days=15))
    response = client_for(clinician).post(
        f"/shares/{link.uuid}/extend/", {"expires_on": day.isoformat()}
    )
    assert response.status_code == 200
    assert "at most 14 days" in response.context["extend_form"].errors["expires_on"][0]
    link.refresh_from_db()
    assert link.expires_at == before


# S22
def test_extending_to_the_last_allowed_day_stops_at_the_maximum(client_for, clinician):
    link, _ = make_link(actor=clinician, days=7)
    last = link.created_at + timedelta(days=30)
    client_for(clinician).post(
        f"/shares/{link.uuid}/extend/",
        {"expires_on": timezone.localdate(last).isoformat()},
    )
    link.refresh_from_db()
    assert link.expires_at == last


# S24
def test_a_new_passcode_is_shown_once_and_ends_sessions(client_for, clinician):
    link, token = make_link(actor=clinician, passcode="ABCD23EFGH")
    recipient = Client()
    recipient.post(f"/s/{token}/", {"passcode": "ABCD23EFGH"})
    response = client_for(clinician).post(f"/shares/{link.uuid}/passcode/")
    passcode = response.context["passcode"]
    assert passcode and passcode in response.content.decode()
    assert (
        passcode
        not in client_for(clinician).get(f"/shares/{link.uuid}/").content.decode()
    )
    assert 'name="passcode"' in recipient.get(f"/s/{token}/").content.decode()


def test_the_access_history_shows_what_the_recipient_did(client_for, clinician):
    link, token = make_link(actor=clinician, passcode="ABCD23EFGH")
    Client().post(f"/s/{token}/", {"passcode": "WRONG"})
    Client().post(f"/s/{token}/", {"passcode": "ABCD23EFGH"})
    response = client_for(clinician).get(f"/shares/{link.uuid}/")
    actions = [e.action for e in response.context["history"]]
    assert actions == ["share_opened", "share_refused"]
    assert "Share link opened" in response.content.decode()


# S26: the confirmation of revoking names the patient and changes nothing.
def test_revoking_asks_first_naming_the_patient(client_for, clinician):
    link, _ = make_link(actor=clinician)
    patient = link.patient
    page = client_for(clinician).get(f"/shares/{link.uuid}/revoke/").content.decode()
    assert f"{patient.given_name} {patient.family_name}" in page
    assert patient.record_number in page
    assert patient.date_of_birth.strftime("%-d %b %Y") in page
    assert "Nobody can open this link any more" in page
    link.refresh_from_db()
    assert link.revoked_at is None
    event = AccessEvent.objects.filter(action="share_links_viewed").get()
    assert event.patient_uuid == patient.uuid
    assert event.details["page"] == "revoke_share"
    assert {"name", "record_number", "date_of_birth"} <= set(event.details["shown"])


def test_the_revoke_confirmation_shows_compliance_no_patient_name(
    client_for, clinician, compliance
):
    link, _ = make_link(actor=clinician)
    page = client_for(compliance).get(f"/shares/{link.uuid}/revoke/").content.decode()
    assert link.patient.family_name not in page and str(link.patient.uuid) in page
