"""Owners invite staff (72 h, single use), change roles, deactivate; practice scoping."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from audit.actions import Action
from audit.models import AccessEvent
from pixiodoc.accounts import staff
from pixiodoc.accounts.exceptions import AccountsError, InvitationInvalid
from pixiodoc.accounts.models import Member, User
from pixiodoc.testing import PASSWORD, make_member, sign_in

NEW_PASSWORD = "a long and unusual passphrase"


def _invite(client, email="new.person@test.example", role="assistant"):
    return client.post("/accounts/members/", {"email": email, "role": role})


def _link_in_mail():
    return re.search(
        r"http://testserver(/accounts/invitations/\S+/)", mail.outbox[-1].body
    ).group(1)


def _join(client, link, password=NEW_PASSWORD, name="New Person"):
    return client.post(
        link, {"full_name": name, "password1": password, "password2": password}
    )


def test_owner_sees_the_staff_page(client_for, owner, clinician):
    page = client_for(owner).get("/accounts/members/")
    assert page.status_code == 200
    assert clinician.user.email.encode() in page.content


@pytest.mark.parametrize("role", ["clinician", "assistant", "compliance"])
def test_only_owners_manage_staff(client_for, members, role):
    assert client_for(members[role]).get("/accounts/members/").status_code == 403


def test_an_invitation_is_mailed_and_the_invitee_joins_with_the_role(
    client_for, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client_for(owner), role="compliance")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = _link_in_mail()
    invitee = Client()
    assert b"Join Test Clinic" in invitee.get(link).content
    response = _join(invitee, link)
    assert response["Location"] == "/accounts/login/"
    member = Member.objects.get(user__email="new.person@test.example")
    assert member.role == "compliance" and member.practice == owner.practice
    assert member.user.full_name == "New Person"
    assert member.user.check_password(NEW_PASSWORD)
    assert AccessEvent.objects.filter(action=Action.MEMBER_INVITED).exists()
    assert AccessEvent.objects.filter(action=Action.MEMBER_JOINED).exists()


def test_an_invitation_link_works_once(
    client_for, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(owner))
    link = _link_in_mail()
    _join(Client(), link)
    again = Client()
    assert again.get(link).status_code == 404
    assert _join(again, link, name="Someone Else").status_code == 404
    assert User.objects.filter(email="new.person@test.example").count() == 1


def test_an_invitation_expires_after_72_hours(owner):
    with time_machine.travel("2026-11-26 08:00:00+00:00", tick=False) as clock:
        invitation = staff.invite_member(
            actor=owner,
            email="late@test.example",
            role="assistant",
            site_url="http://x",
        )
        token = "unknown"
        assert invitation.expires_at - invitation.created_at == timedelta(hours=72)
        clock.shift(timedelta(hours=72, minutes=1))
        invitation.refresh_from_db()
        assert not invitation.is_open
        with pytest.raises(InvitationInvalid):
            staff.accept_invitation(token=token, full_name="x", password=NEW_PASSWORD)


def test_an_expired_link_is_refused_on_the_page(
    client_for, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(owner))
    link = _link_in_mail()
    with time_machine.travel(timedelta(hours=73)):
        assert Client().get(link).status_code == 404


# S7
def test_a_short_or_common_password_is_refused_and_the_form_kept(
    client_for, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(owner))
    link = _link_in_mail()
    response = _join(Client(), link, password="short pass")
    assert response.status_code == 200
    assert b"at least 12 characters" in response.content
    assert b'value="New Person"' in response.content
    response = _join(Client(), link, password="password1234")
    assert b"too common" in response.content
    assert not User.objects.filter(email="new.person@test.example").exists()


def test_an_existing_user_joins_after_signing_in(
    owner, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff.invite_member(
            actor=owner,
            email=outsider.user.email,
            role="clinician",
            site_url="http://testserver",
        )
    link = _link_in_mail()
    assert b"Sign in with" in Client().get(link).content
    client = sign_in(Client(), outsider)
    response = client.post(link)
    assert response.status_code == 302
    assert Member.objects.filter(user=outsider.user, practice=owner.practice).exists()
    # now in two practices: they choose, and can switch
    assert b"Switch practice" in client.get("/patients/").content


def test_an_existing_user_cannot_be_taken_over_by_the_link(
    owner, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff.invite_member(
            actor=owner,
            email=outsider.user.email,
            role="owner",
            site_url="http://testserver",
        )
    link = _link_in_mail()
    _join(Client(), link, password="attacker chosen passphrase")
    outsider.user.refresh_from_db()
    assert outsider.user.check_password(PASSWORD)
    assert not Member.objects.filter(
        user=outsider.user, practice=owner.practice
    ).exists()


def test_owner_changes_a_role(client_for, owner, assistant):
    response = client_for(owner).post(
        f"/accounts/members/{assistant.uuid}/role/", {"role": "clinician"}
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=assistant.pk).role == "clinician"
    assert AccessEvent.objects.filter(action=Action.MEMBER_ROLE_CHANGED).exists()


def test_the_last_owner_cannot_step_down(owner):
    with pytest.raises(AccountsError):
        staff.change_role(actor=owner, member=owner, role="clinician")


def test_owner_deactivates_a_member(client_for, owner, clinician):
    response = client_for(owner).post(f"/accounts/members/{clinician.uuid}/deactivate/")
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert not clinician.is_active
    assert AccessEvent.objects.filter(action=Action.MEMBER_DEACTIVATED).exists()


def test_deactivating_asks_first_and_says_what_happens(client_for, owner, clinician):
    page = client_for(owner).get(f"/accounts/members/{clinician.uuid}/deactivate/")
    html = page.content.decode()
    assert page.status_code == 200
    assert clinician.user.email in html and "All their sessions end at once" in html
    clinician.refresh_from_db()
    assert clinician.is_active


def test_the_invite_form_starts_at_the_least_privileged_role(client_for, owner):
    from pixiodoc.accounts.permissions import MATRIX

    rights = {
        role: sum(role in roles for roles in MATRIX.values()) for role in Member.Role
    }
    assert min(rights, key=rights.get) == Member.Role.ASSISTANT
    html = client_for(owner).get("/accounts/members/").content.decode()
    select = html[html.index('<select name="role" id="id_role"') :]
    select = select[: select.index("</select>")]
    assert '<option value="assistant" selected>' in select
    assert select.count(" selected") == 1


def test_owner_cannot_deactivate_themselves(owner):
    with pytest.raises(AccountsError):
        staff.deactivate_member(actor=owner, member=owner)


# S8
@pytest.mark.parametrize("action", ["role", "deactivate", "reset-two-factor"])
def test_another_practices_member_is_a_404(client_for, owner, outsider, action):
    other_owner = make_member(outsider.practice, "owner")
    response = client_for(other_owner).post(
        f"/accounts/members/{owner.uuid}/{action}/", {"role": "assistant"}
    )
    assert response.status_code == 404
    owner.refresh_from_db()
    assert owner.is_active and owner.role == "owner"


def test_owner_resets_a_members_second_factor_and_they_enrol_again(
    client_for, owner, clinician
):
    response = client_for(owner).post(
        f"/accounts/members/{clinician.uuid}/reset-two-factor/"
    )
    assert response.status_code == 302
    client = Client()
    client.post(
        "/accounts/login/", {"username": clinician.user.email, "password": PASSWORD}
    )
    page = client.get("/accounts/two-factor/")
    assert b"Set up your authenticator" in page.content
