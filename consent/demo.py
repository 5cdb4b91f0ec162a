"""Demo consents: the default forms and signed consents for the demo patients.

Idempotent: a practice that has forms keeps them, and a patient who already has a
consent gets no other. Signatures are drawn by code (no real person's). The forms
are worded in every language the product speaks, and the demo patients signed in
each of them in turn, so staff pages show consents signed in other languages.
"""

import io
import random

from PIL import Image, ImageDraw

from consent.models import LANGUAGE_CODES, Consent, ConsentTemplate
from consent.services import (
    ensure_default_templates,
    record_consent,
    withdraw_consent,
)
from patients.models import Patient

ALL = ["treatment", "second_opinion", "teaching", "publication"]


def demo_signature(rng: random.Random) -> bytes:
    image = Image.new("RGBA", (400, 140), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + 36 * i, 70 + rng.randint(-45, 45)) for i in range(11)]
    draw.line(points, fill=(20, 20, 60, 255), width=4, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed_consents(*, practice, witness) -> int:
    """Seed consents for most demo patients: a few refusals, one withdrawal, a few
    with none at all (so the empty state and the upload refusal can be seen)."""
    ensure_default_templates(practice=practice)
    patients = list(Patient.objects.filter(practice=practice).order_by("pk"))
    template = _widest_template(practice)
    have = set(
        Consent.objects.filter(patient__in=patients).values_list(
            "patient_id", flat=True
        )
    )
    rng = random.Random(f"{practice.slug}-consent")
    made = 0
    for n, patient in enumerate(patients, start=1):
        if patient.pk in have or n % 8 == 0:  # every eighth patient: no consent yet
            continue
        answers = {p: True for p in template.purposes}
        if n % 3 == 0:
            answers["publication"] = False
        if n % 5 == 0:
            answers["teaching"] = False
        record_consent(
            actor=witness,
            patient=patient,
            template=template,
            answers={p: v for p, v in answers.items() if p in template.purposes},
            signature_png=demo_signature(rng),
            language=_signing_language(template, n),
        )
        made += 1
        if n % 7 == 0 and "teaching" in template.purposes and answers["teaching"]:
            withdraw_consent(
                actor=witness,
                patient=patient,
                purpose="teaching",
                reason="Demo: the patient changed their mind.",
            )
    return made


def _signing_language(template, n: int) -> str:
    """Each language in turn, among those the form is worded in."""
    languages = [code for code in LANGUAGE_CODES if code in template.languages]
    return languages[n % len(languages)]


def _widest_template(practice) -> ConsentTemplate:
    current = ConsentTemplate.objects.filter(practice=practice, is_current=True)
    return max(current, key=lambda t: (len(t.purposes), -t.pk))
