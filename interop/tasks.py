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
def deliver_push(self, push_uuid: str) -> str:
    from interop.pushes import deliver

    final = self.request.retries >= MAX_RETRIES
    try:
        push = deliver(push_uuid=push_uuid, final_attempt=final)
        return push.status if push else "gone"
    except PacsUnavailable as error:
        # The row stays pending with the reason; the PACS is asked again later.
        raise self.retry(
            exc=error, countdown=BACKOFF * 2**self.request.retries
        ) from error
