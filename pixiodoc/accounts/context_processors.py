from django.conf import settings

from pixiodoc.accounts.permissions import MATRIX
from pixiodoc.accounts.selectors import active_memberships


def member(request):
    """The current member and what they may do, for navigation in templates."""
    current = getattr(request, "member", None)
    allowed = {action: current.may(action) for action in MATRIX} if current else {}
    return {
        "member": current,
        "may": allowed,
        "switch_practice": bool(current)
        and active_memberships(user=current.user).count() > 1,
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
    }
