"""A teaching case through a link: no patient identifier, teaching consent at every open."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AccessEvent
from consent.services import withdraw_consent
from teaching.exceptions import TeachingError
from teaching.models import SHARE_MAX_DAYS, TeachingShareLink
from teaching.services import delete_image
from teaching.shares import create_link, is_open, revoke_link
from teaching.tests.factories import consenting_patient, face_photo, make_teaching_image


@pytest.fixture
def shared(clinician):
    patient = consenting_patient(
        actor=clinician,
        given_name="Jane",
        family_name="Teachcase",
        record_number="TC-4242",
        purposes=["treatment", "teaching"],  # no second-opinion consent
    )
    image = make_teaching_image(
        actor=clinician, photo=face_photo(actor=clinician, patient=patient)
    )
    link, token = create_link(actor=clinician, case=image.case)
    return link, token, image


def test_the_link_shows_the_case_and_never_the_patient(shared):
    link, token, image = shared

    response = Client().get(reverse("teaching:shared", kwargs={"token": token}))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Case of the week" in page and "Facial lesion" in page
    for text in ("Teachcase", "Jane", "TC-4242", str(image.patient.uuid)):
        assert text not in page
    assert response["Referrer-Policy"] == "no-referrer"  # S25
    assert TeachingShareLink.objects.get().token_hash != token  # S21


def test_the_image_opens_through_the_link(shared):
    link, token, image = shared
    url = reverse("teaching:shared_image", kwargs={"token": token, "image": image.uuid})

    response = Client().get(url)

    assert response.status_code == 200
    assert response.content.startswith(b"\xff\xd8")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AccessEvent.objects.filter(
        action="teaching_share_opened", actor_type="share_link"
    ).exists()


# S30 S23
def test_a_withdrawal_closes_the_link_like_any_refusal(clinician, shared):
    link, token, image = shared
    unknown = Client().get(reverse("teaching:shared", kwargs={"token": "x" * 43}))

    withdraw_consent(actor=clinician, patient=image.patient, purpose="teaching")

    response = Client().get(reverse("teaching:shared", kwargs={"token": token}))
    assert response.status_code == 404
    assert response.content == unknown.content
    assert not is_open(link)
    refused = AccessEvent.objects.filter(action="teaching_share_refused").last()
    assert refused.reason == "no_consent"


def test_a_revoked_link_is_closed(clinician, shared):
    link, token, _ = shared

    revoke_link(actor=clinician, link=link)

    response = Client().get(reverse("teaching:shared", kwargs={"token": token}))
    assert response.status_code == 404


# S22
def test_a_link_lasts_at_most_thirty_days(clinician, shared):
    _, _, image = shared

    with pytest.raises(TeachingError):
        create_link(actor=clinician, case=image.case, days=SHARE_MAX_DAYS + 1)


def test_an_image_of_another_case_does_not_open_through_the_link(clinician, shared):
    _, token, _ = shared
    elsewhere = make_teaching_image(actor=clinician)
    url = reverse(
        "teaching:shared_image", kwargs={"token": token, "image": elsewhere.uuid}
    )

    assert Client().get(url).status_code == 404


def test_a_closed_link_stays_closed_once_the_hidden_image_is_deleted(
    clinician, shared, django_capture_on_commit_callbacks
):
    link, token, image = shared
    make_teaching_image(actor=clinician, case=image.case, title="Another patient's")
    withdraw_consent(actor=clinician, patient=image.patient, purpose="teaching")
    image.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        delete_image(actor=clinician, image=image)

    response = Client().get(reverse("teaching:shared", kwargs={"token": token}))
    assert response.status_code == 404
    refused = AccessEvent.objects.filter(action="teaching_share_refused").last()
    assert refused.reason == "image_removed"


def test_images_added_to_the_case_later_are_not_shared(clinician, shared):
    _, token, image = shared
    later = make_teaching_image(actor=clinician, case=image.case, title="Added later")

    response = Client().get(reverse("teaching:shared", kwargs={"token": token}))

    assert response.status_code == 200
    assert b"Added later" not in response.content
    url = reverse("teaching:shared_image", kwargs={"token": token, "image": later.uuid})
    assert Client().get(url).status_code == 404
