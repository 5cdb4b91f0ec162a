"""The PDF copy: rendered, encrypted, retried when rendering fails (S30, S16)."""

import io

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from consent import documents
from consent.documents import PdfRenderError, make_pdf, pdf_bytes
from consent.exceptions import ConsentError
from consent.models import Consent
from consent.tasks import render_consent_pdf
from consent.tests.factories import make_consent
from patients.tests.factories import make_patient
from pixiodoc import jobs


@pytest.fixture
def consent(clinician):
    patient = make_patient(actor=clinician, given_name="Ada", family_name="Lovelace")
    return make_consent(
        patient=patient,
        witness=clinician,
        granted=["treatment", "second_opinion"],
        refused=["publication"],
    )


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_names_granted_and_refused_purposes(consent):
    document = make_pdf(consent_uuid=consent.uuid)
    assert document.status == "ready" and document.attempts == 1
    text = pdf_text(pdf_bytes(consent))
    assert "Granted: Treatment documentation; Second-opinion sharing" in text
    assert "Refused: Publication" in text
    assert "Ada Lovelace" in text


def test_the_signature_block_is_never_split_across_pages(clinician):
    """Lengthen the form line by line until the signature block moves to the next
    page: at every length its heading, signature and witness share one page."""
    from consent.documents import render_pdf
    from consent.tests.factories import make_template

    patient = make_patient(actor=clinician)

    def pages_of_block(paragraphs: int) -> tuple[int, int]:
        body = "\n\n".join(f"Paragraph {i} of the form." for i in range(paragraphs))
        template = make_template(
            practice=patient.practice, purposes=["treatment"], body=body
        )
        consent = make_consent(
            patient=patient, witness=clinician, granted=["treatment"], template=template
        )
        pages = [
            p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(consent))).pages
        ]
        signed = next(i for i, text in enumerate(pages) if "Signed by" in text)
        witnessed = next(i for i, text in enumerate(pages) if "Witnessed by" in text)
        return signed, witnessed

    first_page, _ = pages_of_block(36)
    for paragraphs in range(36, 80, 2):
        signed, witnessed = pages_of_block(paragraphs)
        assert signed == witnessed, f"split with {paragraphs} paragraphs"
        if signed > first_page:
            break
    else:
        pytest.fail("the signature block never reached the next page")


# S16: stored encrypted
def test_pdf_is_stored_encrypted(consent):
    document = make_pdf(consent_uuid=consent.uuid)
    with default_storage.open(document.pdf_blob, "rb") as handle:
        assert b"%PDF" not in handle.read()


def test_making_the_pdf_twice_keeps_the_first(consent):
    first = make_pdf(consent_uuid=consent.uuid)
    again = make_pdf(consent_uuid=consent.uuid)
    assert again.pdf_blob == first.pdf_blob and again.attempts == 1


def test_pdf_not_ready_says_so(consent):
    with pytest.raises(ConsentError, match="being prepared"):
        pdf_bytes(consent)


def test_a_failed_render_keeps_the_consent_and_retries(consent, monkeypatch):
    real = documents.render_pdf
    failures = iter([True, True])

    def flaky(c):
        if next(failures, False):
            raise PdfRenderError("forced")
        return real(c)

    monkeypatch.setattr(documents, "render_pdf", flaky)
    # Celery runs retries in-process with apply(); the third attempt succeeds.
    result = render_consent_pdf.apply(args=[str(consent.uuid)])
    assert result.get() == "ready"
    consent.document.refresh_from_db()
    assert consent.document.attempts == 3 and consent.document.status == "ready"
    assert Consent.objects.filter(pk=consent.pk).exists()


def test_a_render_that_keeps_failing_leaves_the_consent_recorded(consent, monkeypatch):
    def broken(c):
        raise PdfRenderError("forced")

    monkeypatch.setattr(documents, "render_pdf", broken)
    with pytest.raises(PdfRenderError):
        make_pdf(consent_uuid=consent.uuid)
    consent.document.refresh_from_db()
    assert consent.document.status == "failed" and consent.document.attempts == 1
    assert Consent.objects.filter(pk=consent.pk).exists()


def test_on_commit_queues_the_pdf(
    clinician, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(jobs, "send", lambda task, uuid: sent.append(uuid))
    patient = make_patient(actor=clinician)
    with django_capture_on_commit_callbacks(execute=True):
        consent = make_consent(
            patient=patient, witness=clinician, granted=["treatment"]
        )
    assert sent == [str(consent.uuid)]


# DESIGN §8: a stopped broker loses nothing; issue 20: sent again within a minute
def test_a_stopped_broker_leaves_the_pdf_for_the_sweep(consent, monkeypatch):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from consent.services import queue_pdf
    from consent.tasks import requeue_consent_pdfs

    monkeypatch.setattr(
        render_consent_pdf.app.conf, "broker_url", "redis://127.0.0.1:1/0"
    )
    queue_pdf(str(consent.uuid))  # logged, not raised
    sent = []
    monkeypatch.setattr(jobs, "send", lambda task, uuid: sent.append(uuid))
    assert requeue_consent_pdfs() == 0  # too recent: its task may still be running
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert requeue_consent_pdfs() == 1
    assert sent == [str(consent.uuid)]
    make_pdf(consent_uuid=consent.uuid)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert requeue_consent_pdfs() == 0


def test_a_failed_pdf_is_left_to_its_own_back_off_for_ten_minutes(consent, monkeypatch):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from consent.tasks import requeue_consent_pdfs

    consent.document.attempts = 1
    consent.document.status = "failed"
    consent.document.save()
    monkeypatch.setattr(jobs, "send", lambda task, uuid: True)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert requeue_consent_pdfs() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert requeue_consent_pdfs() == 1
