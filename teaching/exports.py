"""A teaching case for a talk or a paper: a ZIP of JPEGs with captions, or a slide deck.

Consent is asked of every image's patient at the moment of export; a case with
a hidden image or one whose patient no longer consents is refused whole (a
talk with a gap would still show what the patient took back). Names inside the
files are positions ("01.jpg"), never anything of the patient.
"""

import io
import zipfile
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image

from audit.actions import Action
from audit.services import record_event
from consent.checks import has_consent
from pixiodoc.accounts.models import Member
from sharing.watermark import burn
from teaching import deidentify
from teaching.exceptions import TeachingConsentMissing, TeachingError
from teaching.models import TeachingCase, TeachingImage, TeachingSettings
from teaching.selectors import PUBLICATION, TEACHING, case_images, is_visible
from teaching.services import decrypt_image, settings_for

FORMATS = ("zip", "pptx")
PURPOSES = (TEACHING, PUBLICATION)
WATERMARK_TEXT = _("Teaching use only")
PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    body: bytes


def caption(image: TeachingImage) -> str:
    parts = [image.title, image.region_label]
    if image.diagnosis:
        parts.append(image.diagnosis)
    if image.tag_list:
        parts.append(gettext("Tags: %(tags)s") % {"tags": ", ".join(image.tag_list)})
    return " · ".join(parts)


def export_case(
    *, actor: Member, case: TeachingCase, fmt: str, purpose: str, request=None
) -> Export:
    if case.practice_id != actor.practice_id:
        raise TeachingError(gettext("This case belongs to another practice."))
    if not actor.may("edit_teaching"):
        raise TeachingError(gettext("Only owners and clinicians may export cases."))
    if fmt not in FORMATS:
        raise TeachingError(gettext("Choose a ZIP of images or a slide deck."))
    if purpose not in PURPOSES:
        raise TeachingError(
            gettext("Say whether the export is for teaching or publication.")
        )
    images = usable_images(case=case, purpose=purpose)
    watermark = settings_for(practice=actor.practice).watermark
    pictures = [_picture(image, watermark=watermark) for image in images]
    stem = f"teaching-case-{str(case.uuid)[:8]}"
    if fmt == "zip":
        export = Export(
            f"{stem}.zip", "application/zip", _zip(images, pictures, strict=True)
        )
    else:
        export = Export(f"{stem}.pptx", PPTX_TYPE, _deck(case, images, pictures))
    _record_export(
        actor=actor, case=case, images=images, fmt=fmt, purpose=purpose, request=request
    )
    return export


def usable_images(*, case: TeachingCase, purpose: str) -> list[TeachingImage]:
    """Every image of the case, or TeachingConsentMissing naming what to do."""
    images = case_images(case=case)
    if not images:
        raise TeachingError(gettext("This case has no images yet."))
    if not all(is_visible(image) for image in images):
        raise TeachingConsentMissing(
            gettext(
                "A patient has withdrawn teaching consent for an image of this case, "
                "so the case cannot be exported. Delete that image from the case first."
            )
        )
    if purpose == PUBLICATION and not all(
        image.for_publication and has_consent(image.patient, PUBLICATION)
        for image in images
    ):
        raise TeachingConsentMissing(
            gettext(
                "Not every image of this case is cleared for publication with the "
                "patient's publication consent. Export it for teaching, or remove the "
                "images that are not cleared."
            )
        )
    return images


def _picture(image: TeachingImage, *, watermark: str) -> bytes:
    data = decrypt_image(image=image, rendition="display")
    if watermark == TeachingSettings.Watermark.TEACHING_ONLY:
        return burn(data, text=str(WATERMARK_TEXT))
    return data


def _zip(images, pictures, strict=True) -> bytes:
    buffer = io.BytesIO()
    lines = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for number, (image, picture) in enumerate(
            zip(images, pictures, strict=True), start=1
        ):
            name = f"{number:02d}.jpg"
            archive.writestr(name, picture)
            lines.append(f"{name}\t{caption(image)}")
        archive.writestr("captions.txt", "\n".join(lines) + "\n")
    return buffer.getvalue()


def _deck(case: TeachingCase, images, pictures) -> bytes:
    from pptx import Presentation
    from pptx.util import Emu, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    # The core properties would otherwise carry "python-pptx" and a default title.
    deck.core_properties.title = case.title
    deck.core_properties.author = ""
    deck.core_properties.last_modified_by = ""
    blank = deck.slide_layouts[6]
    margin = Emu(457200)
    caption_height = Emu(914400)
    room_w = deck.slide_width - 2 * margin
    room_h = deck.slide_height - 2 * margin - caption_height
    for image, picture in zip(images, pictures, strict=True):
        slide = deck.slides.add_slide(blank)
        with Image.open(io.BytesIO(picture), formats=deidentify.FORMATS) as shown:
            width, height = shown.size
        scale = min(room_w / width, room_h / height)
        w, h = int(width * scale), int(height * scale)
        slide.shapes.add_picture(
            io.BytesIO(picture),
            margin + (room_w - w) // 2,
            margin + (room_h - h) // 2,
            w,
            h,
        )
        box = slide.shapes.add_textbox(
            margin, deck.slide_height - margin - caption_height, room_w, caption_height
        )
        box.text_frame.word_wrap = True
        box.text_frame.text = caption(image)
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(18)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


@transaction.atomic
def _record_export(*, actor, case, images, fmt, purpose, request) -> None:
    # One event per patient whose images left, so each patient's accounting of
    # disclosures finds it (audit reads events by patient).
    patients = {image.patient_id: image.patient for image in images}
    for patient in patients.values():
        record_event(
            action=Action.TEACHING_EXPORTED,
            actor=actor,
            request=request,
            target=case,
            patient=patient,
            details={
                "format": fmt,
                "purpose": purpose,
                "images": [str(i.uuid) for i in images if i.patient_id == patient.pk],
            },
        )
