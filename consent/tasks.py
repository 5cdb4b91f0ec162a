"""Consent jobs: the PDF copy of a signed consent, retried until it renders."""

from celery import shared_task


@shared_task(bind=True, acks_late=True, max_retries=10, default_retry_delay=30)
def render_consent_pdf(self, consent_uuid: str) -> str:
    from consent.documents import PdfRenderError, make_pdf

    try:
        document = make_pdf(consent_uuid=consent_uuid)
    except PdfRenderError as exc:
        # Back off 30 s, 60 s, 120 s … up to an hour; the consent itself is recorded.
        raise self.retry(
            exc=exc, countdown=min(3600, 30 * 2**self.request.retries)
        ) from exc
    return document.status
