"""An upload whose answer is lost is sent again by the page and stored once (issue 20)."""

import re

from imaging.models import Photo
from imaging.tests import images
from imaging.tests.factories import allow_capture
from patients.tests.factories import make_patient, make_visit
from pixiodoc.testing import store_blobs_in


def test_a_lost_answer_is_retried_with_the_same_key_and_stored_once(
    page_for, clinician, settings, tmp_path
):
    store_blobs_in(settings, tmp_path / "blobs")
    patient = make_patient(actor=clinician)
    allow_capture(patient, clinician)
    visit = make_visit(actor=clinician, patient=patient)
    page = page_for(clinician)
    keys = []

    def lose_the_first_answer(route):
        keys.append(route.request.headers.get("x-upload-key"))
        if len(keys) == 1:
            route.fetch()  # the server stores the photo ...
            route.abort("connectionreset")  # ... and its answer never arrives
        else:
            route.continue_()

    page.route(re.compile(r".*/upload/$"), lose_the_first_answer)
    page.goto(f"/photos/visits/{visit.uuid}/add/")
    page.get_by_label("Body region").select_option("knee")
    page.locator("#photo-files").set_input_files(
        [{"name": "mole.jpg", "mimeType": "image/jpeg", "buffer": images.jpeg()}]
    )
    page.locator("#queue li.ok, #queue li.refused").first.wait_for(timeout=30_000)

    assert page.locator("#queue li .verdict").inner_text() == "Stored"
    assert len(keys) == 2 and keys[0] == keys[1]
    assert re.fullmatch(r"[0-9a-f]{32}", keys[0])
    assert Photo.objects.filter(patient=patient).count() == 1
