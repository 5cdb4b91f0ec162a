"""Which language and time zone a page is answered in (issue 18, pixiodoc/languages.py)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from pixiodoc.accounts.models import Invitation

SIGN_OUT = {"en-gb": "Sign out", "de": "Abmelden", "fr": "Se déconnecter"}


def page_language(response) -> str:
    return response["Content-Language"]


def test_the_members_own_language_wins_over_the_browsers(client_for, clinician):
    clinician.language = "fr"
    clinician.save()
    page = client_for(clinician).get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert page_language(page) == "fr"
    assert SIGN_OUT["fr"] in page.content.decode()


def test_the_practices_language_applies_when_the_member_chose_none(
    client_for, clinician
):
    clinician.practice.language = "de"
    clinician.practice.save()
    page = client_for(clinician).get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page_language(page) == "de"
    assert SIGN_OUT["de"] in page.content.decode()
    assert '<html lang="de">' in page.content.decode()


def test_the_practice_speaks_english_unless_the_owner_changes_it(practice):
    assert practice.language == "en-gb"


def test_a_member_chooses_their_language_on_their_security_page(client_for, clinician):
    client = client_for(clinician)
    page = client.get(reverse("accounts:security"))
    assert "The practice&#x27;s language (English)" in page.content.decode()
    saved = client.post(reverse("accounts:language"), {"language": "es"}, follow=True)
    clinician.refresh_from_db()
    assert clinician.language == "es"
    # The answer is already in the new language.
    assert "Su idioma se ha guardado." in saved.content.decode()
    client.post(reverse("accounts:language"), {"language": ""})
    clinician.refresh_from_db()
    assert clinician.language == ""


def test_a_language_outside_the_list_is_refused_with_a_message(client_for, clinician):
    page = client_for(clinician).post(
        reverse("accounts:language"), {"language": "tlh"}, follow=True
    )
    clinician.refresh_from_db()
    assert clinician.language == ""
    assert "Choose one of the languages offered." in page.content.decode()


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_patient_pages_follow_the_browser(client, db, language):
    # An unknown token: the same page every refusal gets (S23), in the reader's language.
    page = client.get("/s/not-a-token/", HTTP_ACCEPT_LANGUAGE=f"{language};q=0.9")
    assert page_language(page) == language
    page = client.get("/p/not-a-token/", HTTP_ACCEPT_LANGUAGE=language)
    assert page_language(page) == language


def test_patient_pages_fall_back_to_english(client, db):
    page = client.get("/s/not-a-token/", HTTP_ACCEPT_LANGUAGE="ja, zh;q=0.8")
    assert page_language(page) == "en-gb"


def test_a_signed_in_members_language_does_not_reach_the_patient_pages(
    client_for, clinician
):
    clinician.language = "de"
    clinician.save()
    client = client_for(clinician)
    for path in ("/s/not-a-token/", "/p/not-a-token/", "/t/not-a-token/"):
        assert page_language(client.get(path, HTTP_ACCEPT_LANGUAGE="es")) == "es"


def test_times_show_in_the_practices_time_zone(client_for, owner):
    owner.practice.time_zone = "America/New_York"
    owner.practice.save()
    Invitation.objects.create(
        practice=owner.practice,
        email="later@test.example",
        role="assistant",
        token_digest="0" * 64,
        created_at=datetime(2026, 12, 1, 15, 30, tzinfo=UTC),
        expires_at=datetime(2099, 12, 20, 15, 30, tzinfo=UTC),
    )
    page = client_for(owner).get(reverse("accounts:members")).content.decode()
    assert "20/12/2099 10:30" in page  # 15:30 UTC is 10:30 in New York
    assert "15:30" not in page


def test_the_practices_time_zone_ends_with_its_request(client_for, owner, settings):
    from django.utils import timezone

    owner.practice.time_zone = "Asia/Tokyo"
    owner.practice.save()
    client_for(owner).get("/")
    # The test client runs the request in this thread: nothing is left behind.
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_a_practice_time_zone_must_be_a_real_one(practice):
    from django.core.exceptions import ValidationError

    practice.time_zone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError, match="is not a time zone"):
        practice.full_clean()


def test_the_owner_sets_language_and_time_zone_in_the_practice_settings(
    client_for, owner
):
    practice = owner.practice
    url = reverse("admin:accounts_practice_change", args=[practice.pk])
    client = client_for(owner)
    assert "Europe/Berlin" in client.get(url).content.decode()
    client.post(
        url,
        {
            "name": practice.name,
            "share_link_max_days": 30,
            "language": "de",
            "time_zone": "Europe/Berlin",
        },
    )
    practice.refresh_from_db()
    assert (practice.language, practice.time_zone) == ("de", "Europe/Berlin")


# --- the JavaScript catalogue ------------------------------------------------------


def test_the_javascript_catalogue_speaks_the_language_in_its_url(client, db):
    german = client.get(reverse("javascript_catalog", args=["de"]))
    assert german.status_code == 200
    assert german["Content-Type"].startswith("text/javascript")
    assert "Wird hochgeladen" in german.content.decode()
    spanish = client.get(reverse("javascript_catalog", args=["es"])).content.decode()
    assert "Subiendo" in spanish


def test_the_javascript_catalogue_is_cacheable_and_the_same_for_everyone(
    client, client_for, clinician
):
    url = reverse("javascript_catalog", args=["fr"])
    anonymous = client.get(url)
    assert anonymous["Cache-Control"] == "public, max-age=3600"
    clinician.language = "de"
    clinician.save()
    assert client_for(clinician).get(url).content == anonymous.content


def test_an_unknown_catalogue_language_is_a_404(client, db):
    assert client.get("/jsi18n/tlh/").status_code == 404
    # ...and a 404 is not cacheable like the catalogue.
    assert "no-store" in client.get("/jsi18n/tlh/")["Cache-Control"]


def test_every_page_loads_the_catalogue_of_its_language_before_its_scripts(
    client_for, clinician
):
    clinician.language = "de"
    clinician.save()
    page = client_for(clinician).get("/").content.decode()
    catalogue = page.index('src="/jsi18n/de/"')
    assert catalogue < page.index("<script", catalogue + 1)
    assert catalogue == page.index("<script") + len("<script ")


def test_the_practice_settings_speak_the_owners_language(client_for, owner):
    owner.language = "de"
    owner.save()
    url = reverse("admin:accounts_practice_change", args=[owner.practice.pk])
    page = client_for(owner).get(url).content.decode()
    assert "Zeitzone" in page and "Längste Gültigkeit eines Freigabelinks" in page
