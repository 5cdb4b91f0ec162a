"""Throttles of the sign-in pages (S6, S42): django-axes hooks, password-reset limits."""

from datetime import timedelta

from django.utils import timezone

from audit.actions import Action, Outcome
from audit.models import AccessEvent
from pixiodoc.net import client_ip

# Password reset by e-mail: per address, and per account (mails actually sent).
# Counted from the audit log, in the database: a cache outage cannot reset them.
RESET_WINDOW = timedelta(hours=1)
RESETS_PER_ADDRESS = 5
RESETS_PER_ACCOUNT = 3


def axes_username(request, credentials) -> str | None:
    """The e-mail being tried, lower-cased, so changing its case does not reset the count."""
    value = (credentials or {}).get("username") or request.POST.get("username")
    return value.strip().lower() if value else None


def _recent_resets():
    return AccessEvent.objects.filter(
        action=Action.PASSWORD_RESET_REQUESTED,
        created_at__gte=timezone.now() - RESET_WINDOW,
    )


def reset_address_exhausted(request) -> bool:
    """This address asked for RESETS_PER_ADDRESS resets (of any account) this hour."""
    ip = client_ip(request)
    recent = _recent_resets()
    recent = recent.filter(ip=ip) if ip else recent.filter(ip__isnull=True)
    return recent.count() >= RESETS_PER_ADDRESS


def reset_account_exhausted(user) -> bool:
    """This account was sent RESETS_PER_ACCOUNT reset mails this hour."""
    sent = _recent_resets().filter(actor_uuid=user.uuid, outcome=Outcome.OK)
    return sent.count() >= RESETS_PER_ACCOUNT
