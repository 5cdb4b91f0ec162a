"""Share-link jobs (DESIGN.md §8). Ids in, one service called; safe to run twice."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="sharing.delete_closed_links",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
)
def delete_closed_links() -> int:
    from sharing.services import delete_closed_links as delete

    return delete()
