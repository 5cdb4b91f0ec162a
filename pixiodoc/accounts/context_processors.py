from django.conf import settings
from django.utils.translation import gettext

from pixiodoc.accounts.permissions import MATRIX, break_glass_patients
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
        "break_glass": _break_glass(current),
    }


def _break_glass(current) -> list[tuple[str, object]]:
    """[(record number, ends at)] of the member's break-glass grants in effect,
    for the banner every page shows while one runs (#16)."""
    if not current or not break_glass_patients(current):
        return []
    from audit.lookups import labels_for
    from pixiodoc.accounts.breakglass import active_grants

    grants = list(active_grants(current))
    wanted = {"patients.patient": {g.patient_uuid for g in grants}}
    labels = labels_for(current.practice, wanted)
    return [
        (
            labels.get(("patients.patient", g.patient_uuid), gettext("a patient")),
            g.expires_at,
        )
        for g in grants
    ]
