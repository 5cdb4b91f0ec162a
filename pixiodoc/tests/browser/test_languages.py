"""What the page's JavaScript writes speaks the member's language too (issue 18)."""

from imaging.tests import images
from imaging.tests.factories import allow_capture
from patients.tests.factories import make_patient, make_visit
from pixiodoc.testing import store_blobs_in


def test_a_german_member_reads_the_upload_pages_verdicts_in_german(
    page_for, clinician, settings, tmp_path
):
    store_blobs_in(settings, tmp_path / "blobs")
    clinician.language = "de"
    clinician.save()
    patient = make_patient(actor=clinician)
    allow_capture(patient, clinician)
    visit = make_visit(actor=clinician, patient=patient)
    page = page_for(clinician)
    page.goto(f"/photos/visits/{visit.uuid}/add/")
    # No body region chosen: static/js/capture.js refuses the file itself.
    page.locator("#photo-files").set_input_files(
        [{"name": "mole.jpg", "mimeType": "image/jpeg", "buffer": images.jpeg()}]
    )
    verdict = page.locator("#queue li.refused .verdict")
    verdict.wait_for(timeout=30_000)
    assert verdict.inner_text() == (
        "Abgelehnt: Wählen Sie zuerst eine Körperregion und fügen Sie das Foto "
        "dann erneut hinzu."
    )
    assert page.locator("html").get_attribute("lang") == "de"
