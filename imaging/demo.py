"""Demo photos: generated, non-human images on the demo patients' visits.

Each image is a Pillow drawing of an abstract "lesion" on a beige ground with a
scale bar; across a patient's visits it shrinks, so comparison has something to
show. Every image goes through the real pipeline (validation, cleaning,
encryption) and only for patients whose consent allows capture (consent's
demo seeds those first). Idempotent: a visit that has photos gets no more.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

from consent.checks import capture_allowed
from imaging.models import Photo
from imaging.services import add_photo

DEMO_REGIONS = ("forearm", "knee", "back", "hand", "face", "lower_leg")


def demo_image(*, seed: int, progress: float, size=(1200, 900)) -> bytes:
    """A non-human drawing; `progress` 0..1 shrinks the mark (healing)."""
    rng = random.Random(seed)
    w, h = size
    base = (rng.randrange(200, 235), rng.randrange(170, 200), rng.randrange(140, 170))
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    for _ in range(400):  # texture
        x, y = rng.randrange(w), rng.randrange(h)
        shade = tuple(max(0, c - rng.randrange(5, 25)) for c in base)
        draw.ellipse((x, y, x + 6, y + 6), fill=shade)
    image = image.filter(ImageFilter.GaussianBlur(2))
    draw = ImageDraw.Draw(image)
    radius = int(min(w, h) * (0.25 - 0.17 * progress))
    cx, cy = w // 2 + rng.randrange(-40, 40), h // 2 + rng.randrange(-30, 30)
    draw.ellipse(
        (cx - radius, cy - int(radius * 0.8), cx + radius, cy + int(radius * 0.8)),
        fill=(
            150 + int(60 * progress),
            60 + int(80 * progress),
            60 + int(60 * progress),
        ),
    )
    # A 5 cm scale bar and a colour card, as clinical photos carry.
    draw.rectangle((40, h - 70, 340, h - 55), fill=(20, 20, 20))
    draw.text((40, h - 50), "5 cm (demo image, not a person)", fill=(20, 20, 20))
    for i, colour in enumerate(
        [(220, 30, 30), (30, 160, 60), (30, 60, 200), (240, 240, 240)]
    ):
        draw.rectangle((w - 260 + i * 55, 30, w - 215 + i * 55, 75), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def seed_photos(*, practice, actor, patients: int = 12) -> int:
    """Add one generated photo to each visit of the first demo patients."""
    from patients.models import Patient

    added = 0
    demo_patients = sorted(
        Patient.objects.filter(practice=practice, blocked_at__isnull=True),
        key=lambda p: p.record_number,
    )[:patients]
    has_photos = set(
        Photo.objects.filter(patient__in=demo_patients).values_list(
            "visit_id", flat=True
        )
    )
    for n, patient in enumerate(demo_patients):
        visits = list(patient.visits.order_by("visit_on", "created_at"))
        if not visits or all(v.pk in has_photos for v in visits):
            continue
        if not capture_allowed(patient):
            continue  # consent's demo leaves a few without consent on purpose
        region = DEMO_REGIONS[n % len(DEMO_REGIONS)]
        for k, visit in enumerate(visits):
            if visit.pk in has_photos:
                continue
            add_photo(
                actor=actor,
                visit=visit,
                data=demo_image(seed=n, progress=k / max(1, len(visits) - 1)),
                body_region=region,
                laterality="left"
                if region in ("forearm", "knee", "hand", "lower_leg")
                else "",
                tags="demo",
                source=Photo.Source.DEMO,
            )
            added += 1
    return added
