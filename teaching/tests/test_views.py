"""Staff pages: editor, library search, image page, exports and links through HTTP."""

import io
import json

import pytest
from django.urls import reverse
from pptx import Presentation

from audit.models import AccessEvent
from consent.services import withdraw_consent
from teaching.models import TeachingImage
from teaching.tests.factories import consenting_patient, face_photo, make_teaching_image


def test_the_editor_offers_the_face_it_found(client_for, clinician):
    photo = face_photo(actor=clinician)

    response = client_for(clinician).get(reverse("teaching:editor", args=[photo.uuid]))

    assert response.status_code == 200
    assert len(response.context["suggestions"]) == 1
    assert b'id="deid-suggestions"' in response.content
    assert b"<script>" not in response.content  # S35: data only, no inline script


def test_the_editor_says_what_to_do_without_teaching_consent(client_for, clinician):
    patient = consenting_patient(actor=clinician, purposes=["treatment"])
    photo = face_photo(actor=clinician, patient=patient)

    response = client_for(clinician).get(reverse("teaching:editor", args=[photo.uuid]))

    assert b"Record a consent that grants teaching" in response.content
    assert b"deid-form" not in response.content
    refused = AccessEvent.objects.get(action="teaching_image_added")
    assert (refused.outcome, refused.reason) == ("denied", "no_teaching_consent")


def test_saving_from_the_editor_adds_the_image(client_for, clinician):
    photo = face_photo(actor=clinician)
    edits = {
        "crop": None,
        "boxes": [{"x": 0.2, "y": 0.1, "w": 0.5, "h": 0.7, "cover": "blur"}],
    }

    response = client_for(clinician).post(
        reverse("teaching:deidentify", args=[photo.uuid]),
        {
            "edits": json.dumps(edits),
            "title": "Nasal lesion",
            "body_region": "nose",
            "new_case_title": "Nose cases",
        },
    )

    image = TeachingImage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("teaching:image", args=[image.uuid])
    assert image.title == "Nasal lesion" and image.case.title == "Nose cases"


def test_a_bad_form_shows_what_to_fix(client_for, clinician):
    photo = face_photo(actor=clinician)

    response = client_for(clinician).post(
        reverse("teaching:deidentify", args=[photo.uuid]),
        {"edits": "{not json", "title": "", "body_region": "face"},
    )

    assert response.status_code == 400
    assert b"draw them again" in response.content
    assert not TeachingImage.objects.exists()


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("", {"Melanoma of the back", "Facial lesion"}),
        ("?q=melanoma", {"Melanoma of the back"}),
        ("?q=carcinoma", {"Facial lesion"}),  # the diagnosis is searched too
        ("?region=back", {"Melanoma of the back"}),
        ("?tag=before", {"Facial lesion"}),
    ],
)
def test_the_library_searches_and_filters(
    client_for, clinician, assistant, query, titles
):
    make_teaching_image(actor=clinician)
    make_teaching_image(
        actor=clinician,
        title="Melanoma of the back",
        body_region="back",
        diagnosis="Superficial spreading",
        tags="melanoma",
    )

    response = client_for(assistant).get(reverse("teaching:library") + query)

    assert {i.title for i, _url in response.context["images"]} == titles


def test_a_withdrawal_takes_the_image_off_every_page_at_once(client_for, clinician):
    image = make_teaching_image(actor=clinician)
    client = client_for(clinician)
    urls = [
        reverse("teaching:image", args=[image.uuid]),
        reverse("teaching:image_file", args=[image.uuid, "thumb"]),
        reverse("teaching:image_download", args=[image.uuid]),
    ]
    assert all(client.get(url).status_code == 200 for url in urls)

    withdraw_consent(actor=clinician, patient=image.patient, purpose="teaching")

    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    library = client.get(reverse("teaching:library"))
    assert list(library.context["images"]) == []
    assert list(library.context["hidden"]) == [TeachingImage.objects.get()]


def test_staff_who_may_see_the_patient_see_where_it_came_from(client_for, clinician):
    patient = consenting_patient(actor=clinician, family_name="Teachcase")
    image = make_teaching_image(
        actor=clinician, photo=face_photo(actor=clinician, patient=patient)
    )

    response = client_for(clinician).get(reverse("teaching:image", args=[image.uuid]))

    assert b"From the record of" in response.content
    assert patient.get_absolute_url().encode() in response.content


def test_the_deck_downloads_from_the_case_page(client_for, clinician):
    image = make_teaching_image(actor=clinician)

    response = client_for(clinician).post(
        reverse("teaching:export", args=[image.case.uuid]),
        {"format": "pptx", "purpose": "teaching"},
    )

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert len(Presentation(io.BytesIO(response.content)).slides) == 1


def test_an_assistant_browses_but_does_not_export(client_for, clinician, assistant):
    image = make_teaching_image(actor=clinician)
    client = client_for(assistant)

    assert (
        client.get(reverse("teaching:case", args=[image.case.uuid])).status_code == 200
    )
    response = client.post(
        reverse("teaching:export", args=[image.case.uuid]),
        {"format": "zip", "purpose": "teaching"},
    )
    assert response.status_code == 403


def test_the_owner_sets_the_watermark(client_for, owner):
    response = client_for(owner).post(
        reverse("teaching:settings"), {"watermark": "none"}
    )

    assert response.status_code == 302
    from teaching.services import settings_for

    assert settings_for(practice=owner.practice).watermark == "none"


def test_the_photo_page_links_to_the_editor_for_clinicians_only(
    client_for, clinician, assistant
):
    photo = face_photo(actor=clinician)
    editor = reverse("teaching:editor", args=[photo.uuid]).encode()

    assert editor in client_for(clinician).get(photo.get_absolute_url()).content
    assert editor not in client_for(assistant).get(photo.get_absolute_url()).content


def test_a_clinician_deletes_a_hidden_image(client_for, clinician):
    image = make_teaching_image(actor=clinician)
    withdraw_consent(actor=clinician, patient=image.patient, purpose="teaching")

    response = client_for(clinician).post(reverse("teaching:delete", args=[image.uuid]))

    assert response.status_code == 302
    assert not TeachingImage.objects.exists()


def test_another_practice_cannot_delete_an_image(client_for, clinician, outsider):
    image = make_teaching_image(actor=clinician)

    response = client_for(outsider).post(reverse("teaching:delete", args=[image.uuid]))

    assert response.status_code == 404
    assert TeachingImage.objects.exists()


def test_clearing_for_publication_asks_for_publication_consent(client_for, clinician):
    patient = consenting_patient(actor=clinician, purposes=["treatment", "teaching"])
    image = make_teaching_image(
        actor=clinician, photo=face_photo(actor=clinician, patient=patient)
    )
    client = client_for(clinician)
    url = reverse("teaching:publication", args=[image.uuid])

    refused = client.post(url, {"cleared": "on"}, follow=True)
    assert b"not given consent to publication" in refused.content
    image.refresh_from_db()
    assert image.for_publication is False

    from consent.tests.factories import grant

    grant(patient=patient, witness=clinician, purposes=["publication"])
    client.post(url, {"cleared": "on"})
    image.refresh_from_db()
    assert image.for_publication is True


# S26 S40
def test_a_library_page_is_one_event_however_many_thumbnails(client_for, clinician):
    images = [make_teaching_image(actor=clinician) for _ in range(3)]
    client = client_for(clinician)

    page = client.get(reverse("teaching:library"))
    before = AccessEvent.objects.count()
    for _image, url in page.context["images"]:
        assert client.get(url).status_code == 200

    assert AccessEvent.objects.count() == before
    listed = AccessEvent.objects.filter(action="teaching_library_viewed").last()
    assert sorted(listed.details["images"]) == sorted(str(i.uuid) for i in images)
    # Without the page's token, the same thumbnail is audited on its own.
    client.get(reverse("teaching:image_file", args=[images[0].uuid, "thumb"]))
    assert AccessEvent.objects.count() == before + 1


def test_a_thumbnail_token_of_another_member_is_audited(
    client_for, clinician, assistant
):
    make_teaching_image(actor=clinician)
    _image, url = (
        client_for(clinician).get(reverse("teaching:library")).context["images"][0]
    )
    before = AccessEvent.objects.count()

    assert client_for(assistant).get(url).status_code == 200

    assert AccessEvent.objects.count() == before + 1
