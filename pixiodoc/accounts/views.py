"""Sign-in: password, then the second factor (enrolment the first time), then a practice.

Also the member's own security pages (password, authenticator, backup codes),
the keep-alive behind the idle warning, and "forgot password".
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from audit.actions import Action, ActorType, Outcome
from audit.services import record_event
from pixiodoc.accounts import qr, reauth, sessions, throttle
from pixiodoc.accounts import two_factor as tfa
from pixiodoc.accounts.decorators import (
    member_required,
    second_factor_exempt,
    verified_required,
)
from pixiodoc.accounts.exceptions import AccountsError, SecondFactorLocked
from pixiodoc.accounts.forms import (
    CodeForm,
    LanguageForm,
    PasswordChangeForm,
    SignInForm,
)
from pixiodoc.accounts.middleware import PRACTICE_SESSION_KEY
from pixiodoc.accounts.models import User
from pixiodoc.accounts.passwords import change_password, record_password_reset
from pixiodoc.accounts.selectors import active_memberships
from pixiodoc.languages import activate_for_member

NEXT_SESSION_KEY = "pixiodoc_next"
ENDED_NOTICES = {
    sessions.IDLE: _(
        "You were signed out after 15 minutes without activity. Sign in again."
    ),
    sessions.ABSOLUTE: _("You were signed out after 12 hours. Sign in again."),
    sessions.ENDED: _("Your session has ended. Sign in again."),
    "out": _("You have signed out."),
}


@second_factor_exempt
@sensitive_post_parameters("password")
def sign_in(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("home")
    form = SignInForm(request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            user = form.user
            login(request, user)  # rotates the session key (S3)
            reauth.mark_checked(request.session)
            next_url = request.POST.get("next") or request.GET.get("next")
            if next_url and url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=False
            ):
                request.session[NEXT_SESSION_KEY] = next_url
            if not tfa.has_second_factor(user=user):
                tfa.pending_authenticator(user=user)
            record_event(
                action=Action.SIGN_IN,
                request=request,
                practice=tfa.audit_practice(user),
                actor_type=ActorType.USER,
                actor_uuid=user.uuid,
            )
            return redirect("accounts:two_factor")
        record_event(
            action=Action.SIGN_IN_FAILED,
            request=request,
            outcome=Outcome.FAILED,
            reason="wrong e-mail or password",
        )
    notice = ENDED_NOTICES.get(request.GET.get("ended", ""))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "notice": notice, "next": request.GET.get("next", "")},
    )


@second_factor_exempt
def two_factor(request):
    """Verify a code, or enrol an authenticator when the user has none yet."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if request.user.is_verified():
        return redirect("accounts:choose_practice")
    user = request.user
    if tfa.has_second_factor(user=user):
        return _verify(request, user)
    return _enrol(request, user)


def _verify(request, user):
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = tfa.verify_second_factor(
                user=user, code=form.cleaned_data["code"], request=request
            )
        except SecondFactorLocked as exc:
            form.add_error("code", str(exc))
            status = 429
        except AccountsError as exc:
            form.add_error("code", str(exc))
        else:
            request.session.cycle_key()  # rotate again at the second factor (S3)
            otp_login(request, device)
            reauth.mark_checked(request.session)
            if device.model_label() == "accounts.backupcodedevice":
                left = device.remaining()
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a backup code; %(left)s left. Replace "
                        "your authenticator or make new backup codes under Security.",
                        "You signed in with a backup code; %(left)s left. Replace "
                        "your authenticator or make new backup codes under Security.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect("accounts:choose_practice")
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "enrolling": False},
        status=status,
    )


def _enrol(request, user):
    device = tfa.pending_authenticator(user=user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        confirmed, status = _confirm_device(
            request, user=user, device=device, form=form
        )
        if confirmed:
            return confirmed
    context = {
        "form": form,
        "enrolling": True,
        "qr_svg": qr.svg(device.config_url),
        "secret": device.secret,
    }
    return render(request, "accounts/two_factor.html", context, status=status)


def _confirm_device(request, *, user, device, form):
    """Confirm a new authenticator with the form's code and sign in with it.

    Returns (the backup-codes page, 200) on success; otherwise (None, the status
    to re-render the form with: 429 while the second factor is locked), with the
    reason on the form.
    """
    try:
        codes = tfa.confirm_enrolment(
            user=user, device=device, code=form.cleaned_data["code"], request=request
        )
    except SecondFactorLocked as exc:
        form.add_error("code", str(exc))
        return None, 429
    except AccountsError as exc:
        form.add_error("code", str(exc))
        return None, 200
    request.session.cycle_key()  # rotate again at the second factor (S3)
    otp_login(request, device)
    sessions.keep_this_session(session=request.session, user=_fresh(user))
    reauth.mark_checked(request.session)
    return _show_backup_codes(request, codes), 200


def _fresh(user):
    return User.objects.get(pk=user.pk)


def _show_backup_codes(request, codes):
    # Rendered in the response to the POST and never stored: shown exactly once.
    return render(
        request,
        "accounts/backup_codes.html",
        {"codes": codes, "next": reverse("accounts:choose_practice")},
    )


@verified_required
def choose_practice(request):
    memberships = list(active_memberships(user=request.user))
    if request.method == "POST":
        chosen = next(
            (
                m
                for m in memberships
                if str(m.practice.uuid) == request.POST.get("practice")
            ),
            None,
        )
        if chosen:
            request.session[PRACTICE_SESSION_KEY] = str(chosen.practice.uuid)
            record_event(action=Action.PRACTICE_SWITCHED, actor=chosen, request=request)
            return _after_sign_in(request)
        messages.error(request, gettext("Choose one of your practices."))
    elif len(memberships) == 1:
        only = memberships[0]
        if request.session.get(PRACTICE_SESSION_KEY) != str(only.practice.uuid):
            request.session[PRACTICE_SESSION_KEY] = str(only.practice.uuid)
            record_event(action=Action.PRACTICE_SWITCHED, actor=only, request=request)
        return _after_sign_in(request)
    return render(
        request,
        "accounts/choose_practice.html",
        {"memberships": memberships, "current": request.member},
    )


def _after_sign_in(request):
    next_url = request.session.pop(NEXT_SESSION_KEY, None)
    return redirect(next_url or "home")


@second_factor_exempt
@require_POST
def sign_out(request):
    if request.user.is_authenticated:
        record_event(
            action=Action.SIGN_OUT,
            actor=request.member,
            request=request,
            practice=None if request.member else tfa.audit_practice(request.user),
            actor_type=None if request.member else ActorType.USER,
            actor_uuid=request.user.uuid,
        )
    logout(request)
    response = redirect(reverse("accounts:login") + "?" + urlencode({"ended": "out"}))
    # Covered thumbnails may be kept in this browser's private cache for minutes
    # (docs/imaging.md): nothing of a patient stays on a shared workstation.
    response["Clear-Site-Data"] = '"cache"'
    return response


@require_POST
def keep_alive(request):
    """The idle warning's "stay signed in": the middleware already counted this as use."""
    if not (request.user.is_authenticated and request.user.is_verified()):
        return JsonResponse({"signed_in": False}, status=401)
    return JsonResponse(
        {"signed_in": True, "idle_seconds": settings.SESSION_COOKIE_AGE}
    )


# --- the member's own security -------------------------------------------------------


@verified_required
def security(request):
    member = request.member
    return render(
        request,
        "accounts/security.html",
        {
            "backup_codes_left": tfa.backup_codes_left(user=request.user),
            "language_form": LanguageForm(
                initial={"language": member.language}, practice=member.practice
            )
            if member
            else None,
        },
    )


@member_required
@require_POST
def language(request):
    """The member's own language, for every page they see from now on (issue 18)."""
    member = request.member
    form = LanguageForm(request.POST, practice=member.practice)
    if not form.is_valid():
        messages.error(request, gettext("Choose one of the languages offered."))
        return redirect("accounts:security")
    member.language = form.cleaned_data["language"]
    member.save(update_fields=["language"])
    # Answer in the language just chosen, not the one the request came in.
    activate_for_member(request, member)
    messages.success(request, gettext("Your language is saved."))
    return redirect("accounts:security")


@verified_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = change_password(
            user=request.user,
            new_password=form.cleaned_data["new_password1"],
            request=request,
        )
        update_session_auth_hash(request, user)  # keep this session, new key
        sessions.keep_this_session(session=request.session, user=user)
        reauth.mark_checked(request.session)
        messages.success(
            request,
            gettext("Your password is changed. Your other sessions have ended."),
        )
        return redirect("accounts:security")
    return render(request, "accounts/password_change.html", {"form": form})


@verified_required
@require_POST
@reauth.recent_check_required
def authenticator_replace(request):
    """Step 1 starts a new device; step 2 confirms it with a code from the new app."""
    user = request.user
    device = tfa.pending_authenticator(user=user)
    form = CodeForm(request.POST if request.POST.get("step") == "confirm" else None)
    status = 200
    if form.is_bound and form.is_valid():
        confirmed, status = _confirm_device(
            request, user=user, device=device, form=form
        )
        if confirmed:
            return confirmed
    return render(
        request,
        "accounts/authenticator_replace.html",
        {"form": form, "qr_svg": qr.svg(device.config_url), "secret": device.secret},
        status=status,
    )


@verified_required
@require_POST
@reauth.recent_check_required
def backup_codes_renew(request):
    codes = tfa.renew_backup_codes(user=request.user, request=request)
    return _show_backup_codes(request, codes)


# --- forgot password -----------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        if throttle.reset_address_exhausted(request):  # S42
            self._record(None, Outcome.DENIED, "too many requests from this address")
            form = self.get_form()
            form.is_valid()
            form.add_error(
                None,
                gettext(
                    "Too many reset requests from this address. Wait an hour and try "
                    "again, or ask a practice owner for help."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = User.objects.filter(
            email__iexact=form.cleaned_data["email"], is_active=True
        ).first()
        if user and throttle.reset_account_exhausted(user):
            # The same page as a sent mail: the limit must not tell who has an account.
            self._record(user, Outcome.DENIED, "too many requests for this account")
            return redirect(self.get_success_url())
        self._record(user, Outcome.OK, "")
        return super().form_valid(form)

    def _record(self, user, outcome, reason):
        record_event(
            action=Action.PASSWORD_RESET_REQUESTED,
            request=self.request,
            actor_type=ActorType.USER if user else ActorType.ANONYMOUS,
            actor_uuid=user.uuid if user else None,
            practice=tfa.audit_practice(user) if user else None,
            outcome=outcome,
            reason=reason,
        )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False  # the second factor is still asked at the next sign-in

    def form_valid(self, form):
        response = super().form_valid(form)
        record_password_reset(user=form.user, request=self.request)
        return response


password_reset = second_factor_exempt(PasswordResetView.as_view())
password_reset_done = second_factor_exempt(
    auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"
    )
)
password_reset_confirm = second_factor_exempt(
    sensitive_post_parameters("new_password1", "new_password2")(
        PasswordResetConfirmView.as_view()
    )
)
password_reset_complete = second_factor_exempt(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)
