"""View guards: signed in, second factor verified (S1), a member, and allowed by the matrix."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect


def second_factor_exempt(view):
    """Mark a view reachable after the password alone (sign-in, enrolment, reset) (S1)."""
    view.second_factor_exempt = True
    return view


def member_required(view):
    """A staff page: password and second factor done, a practice chosen."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request)
        if not request.user.is_verified():
            return redirect("accounts:two_factor")
        if request.member is None:
            return redirect("accounts:choose_practice")
        return view(request, *args, **kwargs)

    return guarded


def verified_required(view):
    """Password and second factor done; no practice needed (choosing one, own security)."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request)
        if not request.user.is_verified():
            return redirect("accounts:two_factor")
        return view(request, *args, **kwargs)

    return guarded


def member_may(action: str):
    """A staff page that also needs `action` in the permission matrix (DESIGN.md §6)."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.member.may(action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return member_required(checked)

    return decorate


def redirect_to_login(request):
    from django.contrib.auth.views import redirect_to_login as to_login

    return to_login(request.get_full_path())
