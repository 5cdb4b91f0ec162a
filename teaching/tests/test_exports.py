"""A case for a talk or a paper: ZIP and slide deck, consent asked at export, audited."""

import io
import zipfile

import pytest
from pptx import Presentation

from audit.models import AccessEvent
from consent.services import withdraw_consent
from teaching.exceptions import TeachingConsentMissing
from teaching.exports import export_case
from teaching.services import set_watermark
from teaching.tests.factories import consenting_patient, face_photo, make_teaching_image


@pytest.fixture
def case(clinician):
    first = make_teaching_image(actor=clinician, title="Before")
    make_teaching_image(actor=clinician, case=first.case, title="After", tags="after")
    return first.case


def test_a_case_exports_as_a_zip_of_jpegs_with_captions(clinician, case):
    export = export_case(actor=clinician, case=case, fmt="zip", purpose="teaching")

    archive = zipfile.ZipFile(io.BytesIO(export.body))
    assert sorted(archive.namelist()) == ["01.jpg", "02.jpg", "captions.txt"]
    captions = archive.read("captions.txt").decode()
    assert "01.jpg\tBefore · Face · Basal cell carcinoma" in captions
    assert "02.jpg\tAfter" in captions
    assert archive.read("01.jpg").startswith(b"\xff\xd8")
    assert export.filename == f"teaching-case-{str(case.uuid)[:8]}.zip"
    assert "Lovelace" not in captions


def test_a_case_exports_as_a_deck_with_one_slide_per_image(clinician, case):
    export = export_case(actor=clinician, case=case, fmt="pptx", purpose="teaching")

    deck = Presentation(io.BytesIO(export.body))
    assert len(deck.slides) == 2
    texts = [
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert texts[0].startswith("Before") and texts[1].startswith("After")
    assert [sum(s.shape_type == 13 for s in slide.shapes) for slide in deck.slides] == [
        1,
        1,
    ]


def test_the_practice_chooses_the_watermark(owner, clinician, case):
    marked = export_case(actor=clinician, case=case, fmt="zip", purpose="teaching")
    set_watermark(actor=owner, watermark="none")
    plain = export_case(actor=clinician, case=case, fmt="zip", purpose="teaching")

    def first(export):
        return zipfile.ZipFile(io.BytesIO(export.body)).read("01.jpg")

    from teaching.services import decrypt_image

    stored = decrypt_image(
        image=case.images.order_by("created_at").first(), rendition="display"
    )
    assert first(plain) == stored
    assert first(marked) != stored


# S26
def test_each_export_is_audited_per_patient(clinician, case):
    export_case(actor=clinician, case=case, fmt="pptx", purpose="teaching")

    events = AccessEvent.objects.filter(action="teaching_exported")
    assert events.count() == 2  # the two images come from two patients
    assert {e.details["format"] for e in events} == {"pptx"}


# S30
def test_a_withdrawal_stops_the_export_of_the_whole_case(clinician, case):
    patient = case.images.first().patient

    withdraw_consent(actor=clinician, patient=patient, purpose="teaching")

    with pytest.raises(TeachingConsentMissing):
        export_case(actor=clinician, case=case, fmt="zip", purpose="teaching")


def test_publication_needs_every_image_cleared_with_consent(clinician):
    patient = consenting_patient(actor=clinician)
    image = make_teaching_image(
        actor=clinician,
        photo=face_photo(actor=clinician, patient=patient),
        for_publication=True,
    )
    assert export_case(
        actor=clinician, case=image.case, fmt="zip", purpose="publication"
    )

    make_teaching_image(actor=clinician, case=image.case)
    with pytest.raises(TeachingConsentMissing, match="publication"):
        export_case(actor=clinician, case=image.case, fmt="zip", purpose="publication")
