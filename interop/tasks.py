"""PACS pushes as jobs (DESIGN.md §8): entry points only; the work is in interop.pushes."""

from celery import shared_task
from django.db import OperationalError

from interop.exceptions import PacsUnavailable

MAX_RETRIES = 6
BACKOFF = 30  # seconds, doubled each retry: about half an hour in all


@shared_task(
    bind=True,
    name="interop.deliver_push",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=MAX_RETRIES,
)
def deliver_push(self, *push_uuids: str) -> str:
    """Send the pushes (one connection per destination); their states in order,
    space-separated ("gone" for one whose destination or photo was removed)."""
    from interop.pushes import deliver_all

    final = self.request.retries >= MAX_RETRIES
    try:
        pushes = deliver_all(push_uuids=push_uuids, final_attempt=final)
    except PacsUnavailable as error:
        # The rows stay pending with the reason; the PACS is asked again later,
        # for all of them (those sent meanwhile are left alone).
        raise self.retry(
            exc=error, countdown=BACKOFF * 2**self.request.retries
        ) from error
    return " ".join(push.status if push else "gone" for push in pushes)
