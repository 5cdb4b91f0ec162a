"""The PDF job locks only its document row: consents recorded meanwhile never deadlock it (#20)."""

import threading

import pytest
from django.db import connection

from consent import documents
from consent.models import ConsentDocument
from consent.tests.factories import make_consent, make_template
from patients.tests.factories import make_patient

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


def test_250_consents_back_to_back_beside_the_pdf_job(
    transactional_db, clinician, monkeypatch, django_capture_on_commit_callbacks
):
    # The renderer is not what is tested here; its locks are.
    monkeypatch.setattr(documents, "render_pdf", lambda consent: b"%PDF-1.7 test")
    patient = make_patient(actor=clinician)
    template = make_template(practice=clinician.practice, purposes=["treatment"])
    recorded, done, errors = [], threading.Event(), []

    def pdf_job():
        made = 0
        try:
            while made < 250:
                # Read before the length: once done is set, `recorded` is complete.
                finished = done.is_set()
                if made < len(recorded):
                    documents.make_pdf(consent_uuid=recorded[made])
                    made += 1
                elif finished:
                    break
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            errors.append(exc)
        finally:
            connection.close()

    job = threading.Thread(target=pdf_job)
    job.start()
    try:
        with django_capture_on_commit_callbacks():  # the broker is not under test
            for _ in range(250):
                consent = make_consent(
                    patient=patient,
                    witness=clinician,
                    granted=["treatment"],
                    template=template,
                )
                recorded.append(consent.uuid)
    finally:
        done.set()
        job.join(120)
    assert errors == []
    assert (
        ConsentDocument.objects.filter(status=ConsentDocument.Status.READY).count()
        == 250
    )
