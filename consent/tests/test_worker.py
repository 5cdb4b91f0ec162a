"""The PDF copy made by a real Celery worker process (DESIGN §8, S30)."""

import pytest

from consent.documents import pdf_bytes
from consent.tasks import render_consent_pdf
from consent.tests.factories import make_consent
from patients.tests.factories import make_patient


@pytest.mark.integration
def test_a_real_worker_renders_and_stores_the_pdf(
    celery_worker_process, transactional_db, clinician
):
    patient = make_patient(actor=clinician)
    # Committed at once (transactional_db): on_commit queues the task as in production.
    consent = make_consent(patient=patient, witness=clinician, granted=["treatment"])
    # Whichever of the two runs first makes the copy; the other keeps it.
    assert render_consent_pdf.delay(str(consent.uuid)).get(timeout=90) == "ready"
    assert pdf_bytes(consent).startswith(b"%PDF")
