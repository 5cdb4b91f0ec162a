"""Passkey steps of sign-in and of the member's own security page (see passkeys.py).

static/js/passkey.js fetches the ceremony's options as JSON, lets the browser
create or use the passkey, and posts its answer with an ordinary form, so the
outcome is a page like the code form's: the backup codes, the next sign-in step,
or the form again with the reason.
"""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from pixiodoc.accounts import passkeys, reauth, sessions
from pixiodoc.accounts.decorators import second_factor_exempt, verified_required
from pixiodoc.accounts.exceptions import AccountsError
from pixiodoc.accounts.views import _fresh, _show_backup_codes


def _next_step(request):
    """Where a refused passkey step sends the user back to."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if request.user.is_verified():
        return redirect("accounts:security")
    return redirect("accounts:two_factor")


@second_factor_exempt
@require_POST
@never_cache
def enrol_options(request):
    user = request.user
    if not (user.is_authenticated and passkeys.may_enrol(request=request, user=user)):
        return _next_step(request)
    return JsonResponse(passkeys.enrolment_options(request=request, user=user))


@second_factor_exempt
@require_POST
def enrol(request):
    user = request.user
    if not user.is_authenticated:
        return _next_step(request)
    # From the security page a new passkey is a new second factor (S42); at
    # enrolment the password was just given.
    if user.is_verified() and (
        page := reauth.confirmation_page(request, carry=("credential",))
    ):
        return page
    try:
        device, codes = passkeys.enrol_passkey(
            user=user, answer=request.POST.get("credential", ""), request=request
        )
    except AccountsError as exc:
        messages.error(request, str(exc))
        return _next_step(request)
    if not user.is_verified():
        request.session.cycle_key()  # rotate again at the second factor (S3)
    # The session now stands on the passkey just proven (an earlier one is gone).
    otp_login(request, device)
    sessions.keep_this_session(session=request.session, user=_fresh(user))
    reauth.mark_checked(request.session)
    if codes:
        return _show_backup_codes(request, codes)
    messages.success(
        request, gettext("Your passkey is set up. Your other sessions have ended.")
    )
    return redirect("accounts:security")


@second_factor_exempt
@require_POST
@never_cache
def sign_in_options(request):
    user = request.user
    if not user.is_authenticated:
        return _next_step(request)
    if user.is_verified():
        return redirect("accounts:choose_practice")
    if not passkeys.has_passkey(user=user):
        return _next_step(request)
    return JsonResponse(passkeys.sign_in_options(request=request, user=user))


@second_factor_exempt
@require_POST
def verify(request):
    user = request.user
    if not user.is_authenticated:
        return _next_step(request)
    if user.is_verified():
        return redirect("accounts:choose_practice")
    try:
        device = passkeys.verify_passkey(
            user=user, answer=request.POST.get("credential", ""), request=request
        )
    except AccountsError as exc:
        messages.error(request, str(exc))
        return _next_step(request)
    request.session.cycle_key()  # rotate again at the second factor (S3)
    otp_login(request, device)
    reauth.mark_checked(request.session)
    return redirect("accounts:choose_practice")


@verified_required
@require_POST
@reauth.recent_check_required
def remove(request):
    try:
        passkeys.remove_passkey(user=request.user, request=request)
    except AccountsError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:security")
    # Signed in with that passkey? Then the app's code is asked for next.
    sessions.keep_this_session(session=request.session, user=_fresh(request.user))
    messages.success(
        request, gettext("Your passkey is removed. Your other sessions have ended.")
    )
    return redirect("accounts:security")
