"""The Django admin: owners behind 2FA (S1), scoped to their practice (S9), audited."""

import pytest
from django.core.management import call_command
from django.test import Client

from audit.actions import Action
from audit.models import AccessEvent
from patients.tests.factories import make_patient, make_visit
from pixiodoc.accounts.models import Member
from pixiodoc.testing import make_member, sign_in


@pytest.fixture
def other_owner(other_practice):
    return make_member(other_practice, "owner")


# S9
def test_owners_are_not_superusers_or_staff(owner):
    assert not owner.user.is_superuser
    assert not owner.user.has_perm("accounts.change_member")


def test_a_verified_owner_gets_the_admin(client_for, owner):
    response = client_for(owner).get("/admin/")
    assert response.status_code == 200
    assert b"Members" in response.content and b"Patients" in response.content


@pytest.mark.parametrize("role", ["clinician", "assistant", "compliance"])
def test_other_roles_are_refused(client_for, members, role):
    response = client_for(members[role]).get("/admin/", follow=True)
    assert not response.request["PATH_INFO"].startswith("/admin/")
    assert b"for the practice&#x27;s owners" in response.content


# S1
def test_the_admin_needs_the_second_factor(owner):
    client = Client()
    client.force_login(owner.user)  # password only
    response = client.get("/admin/accounts/member/")
    assert response["Location"] == "/accounts/two-factor/"


def test_anonymous_is_sent_to_our_sign_in(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


# S9
def test_member_list_shows_only_the_owners_practice(
    client_for, owner, clinician, outsider
):
    page = client_for(owner).get("/admin/accounts/member/")
    assert clinician.user.email.encode() in page.content
    assert outsider.user.email.encode() not in page.content


# S9
@pytest.mark.parametrize(
    "path",
    [
        "/admin/accounts/member/{outsider.pk}/change/",
        "/admin/accounts/user/{outsider.user.pk}/change/",
        "/admin/accounts/practice/{outsider.practice.pk}/change/",
    ],
)
def test_another_practices_rows_are_not_found(client_for, owner, outsider, path):
    response = client_for(owner).get(path.format(outsider=outsider))
    # The admin answers a missing object with a redirect to its index and a message.
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert str(outsider.pk) not in response["Location"]


# S9
def test_patients_and_visits_are_scoped_and_free_of_phi(client_for, owner, outsider):
    mine = make_patient(actor=owner, given_name="Adminvisible", family_name="Ours")
    theirs = make_patient(actor=outsider, given_name="Hidden", family_name="Theirs")
    make_visit(actor=owner, patient=mine)
    make_visit(actor=outsider, patient=theirs)
    client = client_for(owner)
    page = client.get("/admin/patients/patient/").content.decode()
    assert str(mine.uuid) in page and str(theirs.uuid) not in page
    assert "Adminvisible" not in page
    detail = client.get(f"/admin/patients/patient/{mine.pk}/change/").content.decode()
    assert "Adminvisible" not in detail and "Ours" not in detail
    assert client.get(f"/admin/patients/patient/{theirs.pk}/change/").status_code == 302
    visits = client.get("/admin/patients/visit/").content.decode()
    assert visits.count("/admin/patients/visit/") >= 1
    assert str(theirs.uuid) not in visits


def test_owners_cannot_delete_patients_in_the_admin(client_for, owner):
    patient = make_patient(actor=owner)
    response = client_for(owner).post(
        f"/admin/patients/patient/{patient.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403


def test_an_admin_change_is_audited_and_deactivation_ends_sessions(
    client_for, owner, clinician
):
    theirs = sign_in(Client(), clinician)
    response = client_for(owner).post(
        f"/admin/accounts/member/{clinician.pk}/change/",
        {"role": "clinician"},  # is_active unticked: deactivate
    )
    assert response.status_code == 302, response.content
    assert not Member.objects.get(pk=clinician.pk).is_active
    event = AccessEvent.objects.get(action=Action.ADMIN_CHANGE)
    assert event.member == owner and event.object_uuid == clinician.uuid
    assert event.details["fields"] == ["is_active"]
    assert "/accounts/login/" in theirs.get("/patients/")["Location"]


def test_the_last_owner_cannot_be_demoted_in_the_admin(client_for, owner):
    response = client_for(owner).post(
        f"/admin/accounts/member/{owner.pk}/change/",
        {"role": "clinician", "is_active": "on"},
    )
    assert response.status_code == 200
    assert b"needs an active owner" in response.content
    assert Member.objects.get(pk=owner.pk).role == "owner"


# The practice's language and time zone, sent with every change of its settings.
SETTINGS = {"language": "en-gb", "time_zone": "UTC"}


def test_a_practice_owner_edits_only_their_practice(client_for, owner, other_owner):
    client = client_for(owner)
    response = client.post(
        f"/admin/accounts/practice/{owner.practice.pk}/change/",
        {**SETTINGS, "name": "Renamed Clinic", "share_link_max_days": 14},
    )
    assert response.status_code == 302
    owner.practice.refresh_from_db()
    assert owner.practice.name == "Renamed Clinic"
    response = client.post(
        f"/admin/accounts/practice/{other_owner.practice.pk}/change/",
        {**SETTINGS, "name": "Hijacked", "share_link_max_days": 14},
    )
    other_owner.practice.refresh_from_db()
    assert other_owner.practice.name == "Elsewhere Clinic"


def test_a_superuser_is_made_only_by_the_command(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long superuser passphrase")
    call_command(
        "createsuperuser", "--noinput", "--email", "root@test.example", verbosity=0
    )
    from pixiodoc.accounts.models import User

    root = User.objects.get(email="root@test.example")
    assert root.is_superuser and root.is_staff
    # ...and still needs the second factor for the admin (S1).
    client = Client()
    client.force_login(root)
    assert client.get("/admin/")["Location"] == "/accounts/two-factor/"


def _view_on_site(obj):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(obj)
    return f"/admin/r/{content_type.pk}/{obj.pk}/"


# S9
def test_view_on_site_resolves_only_the_owners_practice(client_for, owner, outsider):
    from imaging.tests.factories import make_photo

    client = client_for(owner)
    mine = make_patient(actor=owner)
    response = client.get(_view_on_site(mine))
    assert response.status_code == 302
    assert response["Location"] == mine.get_absolute_url()
    theirs = [
        make_patient(actor=outsider),
        make_visit(actor=outsider, patient=make_patient(actor=outsider)),
        make_photo(actor=outsider),
        outsider,
        outsider.practice,
    ]
    for obj in theirs:
        response = client.get(_view_on_site(obj))
        assert response.status_code == 404, obj._meta.label
        assert str(obj.uuid) not in response.content.decode()


# S9
def test_view_on_site_needs_a_verified_owner(client_for, clinician, owner):
    patient = make_patient(actor=owner)
    response = client_for(clinician).get(_view_on_site(patient))
    assert response.status_code == 302
    assert not response["Location"].startswith(patient.get_absolute_url())


# S42 S26
def test_the_admin_password_change_is_the_audited_account_page(client_for, owner):
    client = client_for(owner)
    response = client.get("/admin/password_change/")
    assert response["Location"] == "/accounts/security/password/"
    # A form posted straight at the admin's old page changes nothing.
    new = "another-long-passphrase-9"
    client.post(
        "/admin/password_change/",
        {"old_password": "x", "new_password1": new, "new_password2": new},
    )
    owner.user.refresh_from_db()
    assert not owner.user.check_password(new)
    assert not AccessEvent.objects.filter(action=Action.PASSWORD_CHANGED).exists()
    assert client.get("/admin/password_change/done/")["Location"] == (
        "/accounts/security/"
    )
