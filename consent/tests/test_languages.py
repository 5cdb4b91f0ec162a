"""Consent in the patient's language (issue 18): wording per version and language,
the kiosk's choice, the language recorded, the PDF and pages in each language."""

import base64
import io

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from consent import documents
from consent.exceptions import ConsentError, ConsentImmutable
from consent.models import Consent, ConsentTemplate, TemplateText
from consent.services import (
    add_template_language,
    ensure_default_templates,
    record_consent,
    revise_template,
)
from consent.tests.factories import make_consent, make_template, signature_png
from patients.tests.factories import make_patient
from pixiodoc.testing import PASSWORD, make_practice

ALL = ["treatment", "second_opinion", "teaching", "publication"]
FRENCH = (
    "fr",
    "Photographies cliniques",
    "Nous souhaitons photographier la zone que nous soignons.",
)
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# One phrase of the consent pages in each language: proof the page is translated.
SAYS = {
    "en-gb": "Use of the photographs",
    "de": "Verwendung der Fotos",
    "fr": "Utilisation des photos",
    "es": "Uso de las fotos",
}


@pytest.fixture
def patient(clinician):
    return make_patient(
        actor=clinician, given_name="Ada", family_name="Lovelace", record_number="R-9"
    )


@pytest.fixture
def bilingual(practice):
    return make_template(
        practice=practice,
        purposes=ALL,
        title="Clinical photographs",
        body="We would like to take photographs.",
        translations=[FRENCH],
    )


@pytest.fixture(autouse=True)
def _english_again():
    """Requests activate their member's language in this thread: start the next
    test from the site's language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def staff_in(client_for, member, language):
    """A client for `member`, who works in `language` (their own preference)."""
    member.language = language
    member.save(update_fields=["language"])
    return client_for(member)


def pdf_text(consent) -> str:
    documents.make_pdf(consent_uuid=consent.uuid)
    pdf = documents.pdf_bytes(Consent.objects.get(pk=consent.pk))
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


# --- the model and the migration ---------------------------------------------------


def test_the_migration_keeps_existing_wording_as_english(transactional_db):
    executor = MigrationExecutor(connection)
    before = [("consent", "0003_withdrawal_by_patient_link")]
    after = [("consent", "0004_template_texts_per_language")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    practice = make_practice(name="Old Clinic", slug="old")
    OldTemplate = old.get_model("consent", "ConsentTemplate")
    OldTemplate.objects.create(
        practice_id=practice.pk,
        title="Old form",
        body="**Old** wording, kept word for word.",
        purposes=["treatment"],
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    texts = new.get_model("consent", "TemplateText").objects.all()
    assert [(t.language, t.title, t.body) for t in texts] == [
        ("en-gb", "Old form", "**Old** wording, kept word for word.")
    ]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_text_once_written_is_never_changed(bilingual):
    text = bilingual.text_in("fr")
    text.body = "Autre chose"
    with pytest.raises(ConsentImmutable):
        text.save()
    with pytest.raises(ConsentImmutable):
        TemplateText.objects.filter(pk=text.pk).update(body="Autre chose")
    assert TemplateText.objects.get(pk=text.pk).body == FRENCH[2]


def test_the_reader_sees_their_language_else_english(bilingual):
    assert bilingual.languages == ["en-gb", "fr"]
    with translation.override("fr"):
        assert bilingual.title == "Photographies cliniques"
    with translation.override("de"):
        assert bilingual.title == "Clinical photographs"
    assert bilingual.text_for("en").language == "en-gb"


def test_adding_a_language_joins_the_version_and_changes_nothing_else(
    owner, bilingual, patient, clinician
):
    signed = make_consent(
        patient=patient, witness=clinician, granted=ALL, template=bilingual
    )
    add_template_language(
        actor=owner,
        template=bilingual,
        language="de",
        title="Klinische Fotos",
        body="Wir möchten Fotos aufnehmen.",
    )
    bilingual = ConsentTemplate.objects.get(pk=bilingual.pk)
    assert bilingual.languages == ["en-gb", "de", "fr"] and bilingual.version == 1
    assert bilingual.text_in("fr").body == FRENCH[2]
    assert Consent.objects.get(pk=signed.pk).text.body == (
        "We would like to take photographs."
    )
    with pytest.raises(ConsentError, match="already worded"):
        add_template_language(
            actor=owner, template=bilingual, language="de", title="x", body="y"
        )


def test_a_new_version_keeps_every_language(owner, bilingual):
    revised = revise_template(
        actor=owner,
        template=bilingual,
        language="fr",
        title="Photos cliniques",
        body="Texte révisé.",
        purposes=ALL,
    )
    assert revised.languages == ["en-gb", "fr"]
    assert revised.text_in("fr").body == "Texte révisé."
    assert revised.text_in("en-gb").body == "We would like to take photographs."
    assert bilingual.text_in("fr").body == FRENCH[2]  # the old version as it was


def test_the_default_forms_come_in_four_languages(practice):
    for template in ensure_default_templates(practice=practice):
        assert template.languages == LANGUAGES
        assert len({t.title for t in template.texts.all()}) == 4


def test_signing_in_a_language_the_form_lacks_is_refused(patient, clinician, bilingual):
    with pytest.raises(ConsentError, match="no wording in that language"):
        record_consent(
            actor=clinician,
            patient=patient,
            template=bilingual,
            answers=dict.fromkeys(ALL, True),
            signature_png=signature_png(),
            language="es",
        )


# --- the kiosk ---------------------------------------------------------------------


@pytest.fixture
def kiosk(client_for, assistant, patient, bilingual):
    client = staff_in(client_for, assistant, "de")
    response = client.post(
        reverse("consent:start", kwargs={"uuid": patient.uuid}),
        {"template": bilingual.pk},
    )
    assert response["Location"] == reverse("consent:kiosk")
    return client


def signing(language, **extra):
    png = base64.b64encode(signature_png()).decode()
    return {
        **{f"purpose_{p}": "yes" for p in ALL},
        "purpose_publication": "no",
        "signer": "patient",
        "signature": "data:image/png;base64," + png,
        "witness_secret": PASSWORD,
        "language": language,
        **extra,
    }


def test_the_kiosk_asks_the_language_among_the_forms_own(kiosk):
    html = kiosk.get(reverse("consent:kiosk")).content.decode()
    assert 'lang="fr"' in html and "Français" in html and "English" in html
    assert "Deutsch" not in html  # the form has no German wording
    assert "purpose_treatment" not in html  # no form before a language is chosen


def test_the_chosen_language_shows_its_wording_and_speaks_it(kiosk):
    response = kiosk.get(reverse("consent:kiosk") + "?language=fr")
    assert response.status_code == 302
    html = kiosk.get(reverse("consent:kiosk")).content.decode()
    assert '<html lang="fr">' in html
    assert "Photographies cliniques" in html and FRENCH[2] in html
    assert "Vos réponses" in html and "Documentation des soins" in html
    assert "We would like to take photographs." not in html
    assert "Your answers" not in html and "Ihre Antworten" not in html


def test_a_language_the_form_lacks_is_not_offered(kiosk):
    kiosk.get(reverse("consent:kiosk") + "?language=es")
    html = kiosk.get(reverse("consent:kiosk")).content.decode()
    assert "purpose_treatment" not in html  # still asked to choose


def test_signing_records_the_language_read(kiosk, patient):
    kiosk.get(reverse("consent:kiosk") + "?language=fr")
    response = kiosk.post(reverse("consent:kiosk"), signing("fr"))
    assert response.status_code == 302
    consent = Consent.objects.get(patient=patient)
    assert consent.language == "fr"
    assert consent.text.title == "Photographies cliniques"


def test_a_language_changed_meanwhile_is_read_again(kiosk, patient):
    kiosk.get(reverse("consent:kiosk") + "?language=fr")
    response = kiosk.post(reverse("consent:kiosk"), signing("en-gb"))
    assert "Relisez-le, puis signez." in response.content.decode()
    assert not Consent.objects.filter(patient=patient).exists()


def test_the_pdf_is_french_for_a_french_signing_by_german_staff(kiosk, patient):
    kiosk.get(reverse("consent:kiosk") + "?language=fr")
    kiosk.post(reverse("consent:kiosk"), signing("fr"))
    consent = Consent.objects.get(patient=patient)
    with translation.override("de"):  # the worker or the staff speak German
        text = pdf_text(consent)
    assert "Photographies cliniques" in text and "Réponses" in text
    assert "Oui, consentement donné" in text and "Non, consentement refusé" in text
    assert "Accordé : Documentation des soins" in text
    assert "Page 1 sur" in text
    for english_or_german in ("Answers", "Antworten", "Granted", "Signature of"):
        assert english_or_german not in text
    # The staff page, in the staff's language, says which language was signed.
    detail = kiosk.get(reverse("consent:detail", kwargs={"uuid": consent.uuid}))
    assert "auf Französisch" in detail.content.decode()


# --- every page and the PDF in the four languages ------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_consent_pages_and_pdf_render_in_each_language(
    language, client_for, owner, clinician, practice, patient, bilingual
):
    consent = make_consent(
        patient=patient, witness=clinician, granted=["treatment"], refused=["teaching"]
    )
    client = staff_in(client_for, owner, language)
    pages = [
        reverse("consent:start", kwargs={"uuid": patient.uuid}),
        reverse("consent:detail", kwargs={"uuid": consent.uuid}),
        reverse("consent:templates"),
        reverse("consent:template_new"),
        reverse("consent:template_edit", kwargs={"uuid": bilingual.uuid}),
        reverse("consent:template_language", kwargs={"uuid": bilingual.uuid}),
        reverse("consent:withdraw", kwargs={"uuid": patient.uuid})
        + "?purpose=treatment",
        reverse("patients:timeline", kwargs={"uuid": patient.uuid}),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    assert SAYS[language] in client.get(pages[1]).content.decode()
    signed = make_consent(
        patient=patient,
        witness=clinician,
        granted=ALL,
        template=make_template(
            practice=practice,
            purposes=ALL,
            language=language,
            title=f"Form in {language}",
            translations=[("en-gb", "Form", "Text")] if language != "en-gb" else (),
        ),
        language=language,
    )
    print_page = client.get(reverse("consent:print", kwargs={"uuid": signed.uuid}))
    assert f'<html lang="{language}">' in print_page.content.decode()
    assert SAYS[language] in print_page.content.decode()
    text = pdf_text(signed)
    assert f"Form in {language}" in text and SAYS[language] in text


# --- the owner words a form in one more language --------------------------------------


def test_the_owner_adds_a_language_to_the_current_version(client_for, owner, bilingual):
    client = client_for(owner)
    listing = client.get(reverse("consent:templates")).content.decode()
    url = reverse("consent:template_language", kwargs={"uuid": bilingual.uuid})
    assert url in listing
    form = client.get(url).content.decode()
    assert 'value="de"' in form and 'value="fr"' not in form  # only what it lacks
    response = client.post(
        url, {"language": "es", "title": "Fotos clínicas", "body": "Queremos fotos."}
    )
    assert response.status_code == 302
    bilingual = ConsentTemplate.objects.get(pk=bilingual.pk)
    assert bilingual.is_current and bilingual.languages == ["en-gb", "fr", "es"]
    # Editing one language shows that language's wording, and saves a new version.
    edit = reverse("consent:template_edit", kwargs={"uuid": bilingual.uuid})
    assert "Queremos fotos." in client.get(edit + "?language=es").content.decode()
    client.post(
        edit + "?language=es",
        {"title": "Fotos clínicas", "body": "Texto nuevo.", "purposes": ALL},
    )
    current = ConsentTemplate.objects.get(family=bilingual.family, is_current=True)
    assert current.version == 2 and current.text_in("es").body == "Texto nuevo."
    assert current.text_in("fr").body == FRENCH[2]
