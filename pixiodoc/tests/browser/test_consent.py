"""Recording consent on the tablet kiosk, end to end in Chromium (S30)."""

import io

from PIL import Image
from pypdf import PdfReader

from consent.checks import has_consent
from consent.documents import make_pdf
from consent.models import Consent
from consent.tests.factories import make_template
from imaging.models import Photo
from patients.tests.factories import make_patient, make_visit
from pixiodoc.testing import PASSWORD


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 120, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def draw_signature(page):
    canvas = page.locator("[data-signature-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + 150)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(x + 30 + step * 25, y + 150 - (step % 2) * 90, steps=4)
    page.mouse.up()


# S30
def test_record_download_and_withdraw_consent(page_for, clinician, practice):
    patient = make_patient(actor=clinician, given_name="Grace", family_name="Hopper")
    visit = make_visit(actor=clinician, patient=patient)
    make_template(
        practice=practice,
        title="Clinical photographs",
        purposes=["treatment", "second_opinion", "teaching", "publication"],
    )
    page = page_for(clinician)
    page.goto(f"/patients/{patient.uuid}/")
    page.get_by_role("link", name="Record consent", exact=True).click()
    page.get_by_label("Clinical photographs (version 1)").check()
    page.get_by_role("button", name="Open the form for the patient").click()
    page.wait_for_url("**/consent/kiosk/")

    # Nothing is chosen for the patient; no navigation on the patient's screen.
    assert page.locator("input[type=radio]:checked").count() == 0
    assert page.get_by_role("link", name="Patients").count() == 0
    for purpose in ("treatment", "second_opinion", "teaching"):
        page.locator(f"input[name=purpose_{purpose}][value=yes]").check()
    page.locator("input[name=purpose_publication][value=no]").check()
    page.locator("input[name=signer][value=patient]").check()

    # An empty pad is refused and what was answered is kept.
    page.get_by_label("Staff: your password or authenticator code").fill(PASSWORD)
    page.get_by_role("button", name="Sign", exact=True).click()
    assert page.get_by_text("Sign in the box with a finger or the mouse").is_visible()
    assert page.locator("input[name=purpose_publication][value=no]").is_checked()

    draw_signature(page)
    page.get_by_label("Staff: your password or authenticator code").fill(PASSWORD)
    page.get_by_role("button", name="Sign", exact=True).click()
    page.get_by_text("Consent recorded").wait_for()
    consent = Consent.objects.get(patient=patient)
    assert consent.granted == ["treatment", "second_opinion", "teaching"]
    assert consent.refused == ["publication"]

    # The worker's job, run here: the PDF copy, then download it.
    make_pdf(consent_uuid=consent.uuid)
    page.reload()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = download_info.value.path().read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Granted: Treatment documentation; Second-opinion sharing; Teaching" in text
    assert "Refused: Publication" in text

    # Withdraw treatment consent from the patient's page, through a confirmation
    # that names the patient: effective at once.
    page.get_by_role("link", name="Back to the timeline").click()
    page.get_by_text("Consent details, history and withdrawal").click()
    page.get_by_role("link", name="Withdraw consent to treatment documentation").click()
    confirm = page.locator(".confirm")
    assert patient.record_number in confirm.locator(".who-is").inner_text()
    assert "No new photo can be taken" in confirm.inner_text()
    page.get_by_label("Reason (optional)").fill("Prefers no photographs")
    page.get_by_role("button", name="Withdraw consent").click()
    page.get_by_text("Consent to treatment documentation withdrawn.").wait_for()
    page.get_by_text("Consent details, history and withdrawal").click()
    assert (
        page.locator(".purpose-states li")
        .filter(has_text="Treatment documentation")
        .get_by_text("Withdrawn")
        .is_visible()
    )
    assert not has_consent(patient, "treatment")
    assert has_consent(patient, "second_opinion")

    # Upload through imaging's page is refused, with a message that says how to fix it.
    page.goto(f"/photos/visits/{visit.uuid}/add/")
    page.get_by_label("Body region").select_option("hand")
    page.locator("#photo-files").set_input_files(
        files=[{"name": "lesion.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    refused = page.locator("#queue li.refused")
    refused.wait_for()
    verdict = refused.locator(".verdict").inner_text()
    assert verdict.startswith("Refused: This patient has not given consent")
    assert "Record consent" in verdict
    assert not Photo.objects.filter(patient=patient).exists()
    # Closed here, with no request open: the live server's teardown must not wait.
    page.context.close()


# Issue 18: on a tablet, a patient signs in French while the staff member works in
# German; the PDF copy is French from top to bottom.
def test_a_french_signing_on_a_tablet_for_german_staff(page_for, clinician, practice):
    from consent.services import ensure_default_templates

    patient = make_patient(actor=clinician, given_name="Marie", family_name="Curie")
    template = next(
        t for t in ensure_default_templates(practice=practice) if len(t.purposes) == 4
    )
    clinician.language = "de"
    clinician.save(update_fields=["language"])
    page = page_for(clinician, viewport={"width": 820, "height": 1180}, has_touch=True)
    page.goto(f"/consent/patients/{patient.uuid}/record/")
    page.get_by_role("heading", name="Einwilligung erfassen").wait_for()
    page.locator(f"input[name=template][value='{template.pk}']").check()
    page.locator("main form:has(input[name=template]) button.primary").click()
    page.wait_for_url("**/consent/kiosk/")

    # The patient is asked which language they read, among the form's four.
    choices = page.locator(".language-choice a")
    assert choices.count() == 4
    page.locator('.language-choice a[lang="fr"]').click()
    page.get_by_role(
        "heading", name="Photographies cliniques : comment nous pouvons les utiliser"
    ).wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Vos réponses").is_visible()

    for purpose in ("treatment", "second_opinion", "teaching"):
        page.locator(f"input[name=purpose_{purpose}][value=yes]").check()
    page.locator("input[name=purpose_publication][value=no]").check()
    page.get_by_label("Le patient ou la patiente").check()
    draw_signature(page)
    page.get_by_label("Personnel : votre mot de passe ou code d'authentification").fill(
        PASSWORD
    )
    page.get_by_role("button", name="Signer", exact=True).click()
    # Back with the staff: their page is German and names the language signed.
    page.get_by_text("Einwilligung erfasst. Vielen Dank.").wait_for()
    assert "auf Französisch" in page.locator("article").inner_text()
    consent = Consent.objects.get(patient=patient)
    assert consent.language == "fr"

    make_pdf(consent_uuid=consent.uuid)
    page.reload()
    with page.expect_download() as download_info:
        page.locator(f"a[href='/consent/{consent.uuid}/pdf/']").click()
    pdf = download_info.value.path().read_bytes()
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Photographies cliniques : comment nous pouvons les utiliser" in text
    assert "Nous souhaitons photographier la zone que nous soignons." in text
    assert "Accordé : Documentation des soins; Partage pour un second avis" in text
    assert "Refusé : Publication" in text
    assert "Témoin :" in text
    for other in ("Granted", "Erteilt", "Answers", "Antworten", "We would like"):
        assert other not in text
    page.context.close()
