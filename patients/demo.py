"""Synthetic demo patients and visits (no real person's data)."""

import random
from datetime import date, timedelta

from patients.models import Patient
from patients.services import create_patient, create_visit

GIVEN = [
    "Alex",
    "Sam",
    "Jordan",
    "Robin",
    "Kim",
    "Charlie",
    "Morgan",
    "Jamie",
    "Taylor",
    "Casey",
    "Riley",
    "Avery",
    "Quinn",
    "Rowan",
    "Emery",
    "Sasha",
]
FAMILY = [
    "Demoson",
    "Samplewood",
    "Testfield",
    "Mockridge",
    "Placeholm",
    "Fictera",
    "Modelby",
    "Synthwick",
    "Examplar",
    "Dummond",
]
REASONS = [
    "Initial assessment",
    "Wound check",
    "Follow-up",
    "Post-operative review",
    "Lesion monitoring",
    "Dressing change",
]


def seed_patients(*, practice, clinicians, count: int = 40) -> list[Patient]:
    """Create DEMO-0001… idempotently: existing record numbers are left as they are."""
    rng = random.Random(practice.slug)
    existing = {p.record_number for p in Patient.objects.filter(practice=practice)}
    patients = []
    for n in range(1, count + 1):
        record_number = f"DEMO-{n:04d}"
        if record_number in existing:
            continue
        actor = clinicians[n % len(clinicians)]
        patient = create_patient(
            actor=actor,
            given_name=rng.choice(GIVEN),
            family_name=rng.choice(FAMILY),
            date_of_birth=date(1940, 1, 1) + timedelta(days=rng.randrange(0, 30_000)),
            sex=rng.choice(["female", "male", "other", "unknown"]),
            record_number=record_number,
            email=f"patient{n}@example.invalid",
        )
        first = date.today() - timedelta(days=rng.randrange(200, 900))
        for k in range(rng.randrange(1, 5)):
            create_visit(
                actor=actor,
                patient=patient,
                visit_on=first + timedelta(days=60 * k + rng.randrange(0, 20)),
                reason=rng.choice(REASONS),
                clinician=actor,
            )
        patients.append(patient)
    return patients
