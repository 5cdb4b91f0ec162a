from pixiodoc.accounts.permissions import MATRIX


def member(request):
    """The current member and what they may do, for navigation in templates."""
    current = getattr(request, "member", None)
    allowed = {action: current.may(action) for action in MATRIX} if current else {}
    return {"member": current, "may": allowed}
