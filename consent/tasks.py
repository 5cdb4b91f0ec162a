"""Consent jobs: the PDF copy of a signed consent, retried until it renders."""

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.db.models import Q
from django.utils import timezone

from pixiodoc.db import is_transient

# A document still not ready this long after its last attempt is queued again:
# soon when it was never tried (its message was lost), later after a failure
# (render_consent_pdf backs off by itself).
STALE_AFTER = timedelta(minutes=10)
NEVER_TRIED_AFTER = timedelta(minutes=1)


@shared_task(bind=True, acks_late=True, max_retries=10, default_retry_delay=30)
def render_consent_pdf(self, consent_uuid: str) -> str:
    from consent.documents import PdfRenderError, make_pdf

    try:
        document = make_pdf(consent_uuid=consent_uuid)
    except OperationalError as exc:
        if not is_transient(exc):
            raise
        # A deadlock or lock timeout outlasted make_pdf's own retries: soon again,
        # not after the renderer's long back-off.
        raise self.retry(exc=exc, countdown=2) from exc
    except PdfRenderError as exc:
        # Back off 30 s, 60 s, 120 s … up to an hour; the consent itself is recorded.
        raise self.retry(
            exc=exc, countdown=min(3600, 30 * 2**self.request.retries)
        ) from exc
    return document.status


@shared_task(acks_late=True)
def requeue_consent_pdfs() -> int:
    """Queue every PDF copy that is still missing (idempotent: make_pdf keeps one)."""
    from consent.models import ConsentDocument
    from consent.services import queue_pdf

    now = timezone.now()
    stale = ConsentDocument.objects.exclude(status=ConsentDocument.Status.READY).filter(
        Q(updated_at__lt=now - STALE_AFTER)
        | Q(attempts=0, updated_at__lt=now - NEVER_TRIED_AFTER)
    )
    uuids = [str(u) for u in stale.values_list("consent__uuid", flat=True)]
    for uuid in uuids:
        queue_pdf(uuid)
    return len(uuids)
