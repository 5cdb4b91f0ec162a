"""Builders for consent in tests (other apps use them too: imaging, sharing).

make_consent(patient=p, witness=member, granted=["treatment"], refused=["teaching"])
grant(patient=p, witness=member, purposes=["second_opinion"])
"""

import io

from PIL import Image, ImageDraw

from consent.models import Consent, ConsentTemplate, TemplateText


def signature_png(width=300, height=100) -> bytes:
    """A drawn-looking signature: a dark stroke on a transparent background."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line(
        [(20, 70), (80, 20), (140, 75), (220, 25), (280, 60)], fill="black", width=4
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def blank_png(width=300, height=100) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 0, 0)).save(out, format="PNG")
    return out.getvalue()


def make_template(
    *,
    practice,
    purposes=("treatment", "second_opinion", "teaching", "publication"),
    title="Photography consent",
    body="We would like to take photographs.",
    language="en-gb",
    translations=(),
) -> ConsentTemplate:
    """A form worded in `language`, plus any (language, title, body) translations."""
    template = ConsentTemplate.objects.create(
        practice=practice, purposes=list(purposes)
    )
    for code, text_title, text_body in [(language, title, body), *translations]:
        TemplateText.objects.create(
            template=template, language=code, title=text_title, body=text_body
        )
    return template


def make_consent(
    *, patient, witness, granted=(), refused=(), template=None, **extra
) -> Consent:
    from consent.services import record_consent

    purposes = [*granted, *refused]
    template = template or make_template(practice=patient.practice, purposes=purposes)
    answers = {p: p in granted for p in template.purposes}
    return record_consent(
        actor=witness,
        patient=patient,
        template=template,
        answers=answers,
        signature_png=signature_png(),
        **extra,
    )


def grant(*, patient, witness, purposes=("treatment",)) -> Consent:
    return make_consent(patient=patient, witness=witness, granted=list(purposes))
