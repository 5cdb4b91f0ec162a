"""Consent figures: the cost of the check every upload and share open makes, and of
recording and rendering a consent. Printed, never asserted (make bench)."""

import statistics
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from consent.checks import capture_allowed, has_consent
from consent.documents import make_pdf
from consent.services import withdraw_consent
from consent.tests.factories import make_consent
from patients.tests.factories import make_patient


def _timed(fn, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


@pytest.mark.bench
def test_bench_consent(clinician):
    patient = make_patient(actor=clinician)
    start = timezone.now() - timedelta(days=400)
    for n in range(20):
        with time_machine.travel(start + timedelta(days=10 * n)):
            make_consent(
                patient=patient,
                witness=clinician,
                granted=["treatment", "second_opinion", "teaching"],
                refused=["publication"],
            )
            if n % 4 == 0:
                withdraw_consent(actor=clinician, patient=patient, purpose="teaching")
    median, worst = _timed(lambda: has_consent(patient, "second_opinion"), 500)
    print(
        f"\nhas_consent (20 consents, 5 withdrawals): median {median:.2f} ms, max {worst:.2f} ms"
    )
    median, worst = _timed(lambda: capture_allowed(patient), 500)
    print(f"capture_allowed: median {median:.2f} ms, max {worst:.2f} ms")
    other = make_patient(actor=clinician)
    median, worst = _timed(
        lambda: make_consent(patient=other, witness=clinician, granted=["treatment"]),
        20,
    )
    print(f"record_consent (signature encrypted, audited): median {median:.1f} ms")
    consents = list(other.consents.all())
    it = iter(consents)
    median, worst = _timed(lambda: make_pdf(consent_uuid=next(it).uuid), 10)
    print(f"consent PDF render + encrypt: median {median:.0f} ms, max {worst:.0f} ms")
