"""Recent proof of identity for the changes that would hand the account over (S42).

Replacing the authenticator, adding or removing a passkey and making new backup
codes need the password or a second factor from the last five minutes: a
session left open on a ward PC must not let a passer-by take the account.
Signing in, verifying a code or passkey, changing the password and the
confirmation form below each note the time in the session. Changing the
password always asks for the current one.
"""

from functools import wraps

from django import forms
from django.contrib.auth import authenticate
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pixiodoc.accounts.exceptions import AccountsError, SecondFactorLocked

CHECKED_SESSION_KEY = "pixiodoc_identity_checked_at"
RECENT_SECONDS = 5 * 60


def mark_checked(session) -> None:
    """The member has just given their password or a second factor."""
    session[CHECKED_SESSION_KEY] = timezone.now().timestamp()


def checked_recently(session) -> bool:
    checked_at = session.get(CHECKED_SESSION_KEY)
    if not isinstance(checked_at, int | float):
        return False
    return 0 <= timezone.now().timestamp() - checked_at <= RECENT_SECONDS


class ConfirmIdentityForm(forms.Form):
    confirm_password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm_code = forms.CharField(
        label=_("Or a code from your authenticator app (or a backup code)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.locked = False

    def clean(self):
        from pixiodoc.accounts import two_factor

        cleaned = super().clean()
        password, code = cleaned.get("confirm_password"), cleaned.get("confirm_code")
        user = self.request.user
        if password:
            # Through authenticate: django-axes counts and locks as at sign-in.
            if authenticate(self.request, username=user.email, password=password):
                return cleaned
            raise forms.ValidationError(_("That password is not right. Try again."))
        if code:
            try:
                two_factor.verify_second_factor(
                    user=user, code=code, request=self.request
                )
            except SecondFactorLocked as exc:
                self.locked = True
                raise forms.ValidationError(str(exc)) from None
            except AccountsError as exc:
                raise forms.ValidationError(str(exc)) from None
            return cleaned
        raise forms.ValidationError(_("Enter your password or a code to go on."))


def confirmation_page(request, *, carry=()):
    """None when the identity was checked recently (or is confirmed by this POST);
    otherwise the page asking for the password or a code.

    The page posts back to the same URL with the POST fields named in `carry`
    (a passkey's answer, say), so the view then runs as first asked.
    """
    if checked_recently(request.session):
        return None
    confirming = "confirm_password" in request.POST or "confirm_code" in request.POST
    form = ConfirmIdentityForm(request.POST if confirming else None, request=request)
    if form.is_bound and form.is_valid():
        mark_checked(request.session)
        return None
    carried = [(name, request.POST[name]) for name in carry if name in request.POST]
    return render(
        request,
        "accounts/confirm_identity.html",
        {"form": form, "action": request.path, "carried": carried},
        status=429 if form.locked else 200,
    )


def recent_check_required(view):
    """Ask for the password or a code first unless one was given in five minutes.

    Once confirmed, the view runs on the confirming POST (for the authenticator,
    its first step).
    """

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if page := confirmation_page(request):
            return page
        return view(request, *args, **kwargs)

    return guarded
