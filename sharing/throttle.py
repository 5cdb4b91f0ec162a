"""Throttling of unknown tokens and wrong passcodes (S6).

Per link, five wrong passcodes lock the link (sharing.access). Per address,
failures of either kind are counted in the database (ShareFailure): a cache
outage cannot reset the count, and the address comes from
`pixiodoc.net.client_ip`, which ignores a spoofed X-Forwarded-For.
"""

from datetime import timedelta

from django.utils import timezone

from sharing.models import ShareFailure

ADDRESS_FAILURE_LIMIT = 10
ADDRESS_WINDOW = timedelta(minutes=15)
LINK_PASSCODE_LIMIT = 5


def address_throttled(ip: str | None) -> bool:
    since = timezone.now() - ADDRESS_WINDOW
    failures = ShareFailure.objects.filter(at__gte=since)
    failures = failures.filter(ip=ip) if ip else failures.filter(ip__isnull=True)
    return failures.count() >= ADDRESS_FAILURE_LIMIT


def record_failure(*, ip: str | None, kind: str, link=None) -> None:
    ShareFailure.objects.create(ip=ip, kind=kind, link=link)


def forget_old_failures() -> int:
    """Failures older than the window count for nothing; the cleanup task drops them."""
    deleted, _ = ShareFailure.objects.filter(
        at__lt=timezone.now() - ADDRESS_WINDOW
    ).delete()
    return deleted
