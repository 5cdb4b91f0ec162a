from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from pixiodoc.accounts.models import Member, User


class SignInForm(forms.Form):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # django-axes needs the request to count failures by name and address (S6).
        self.user = authenticate(
            self.request,
            username=cleaned["username"].lower(),
            password=cleaned["password"],
        )
        if self.user is None:
            raise forms.ValidationError(
                _("That e-mail and password do not match. Check both and try again.")
            )
        return cleaned


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form; the current password is checked through authenticate(), so
    django-axes counts a wrong one with the sign-in failures and locks alike (S42)."""

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.email, password=old_password):
            return old_password
        raise forms.ValidationError(
            self.error_messages["password_incorrect"], code="password_incorrect"
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app (or a backup code)"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    # Least privilege by default: the assistant's role allows the fewest actions
    # (permissions.MATRIX); an owner raises it on purpose.
    role = forms.ChoiceField(
        label=_("Role"), choices=Member.Role.choices, initial=Member.Role.ASSISTANT
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Member.Role.choices)


class JoinForm(forms.Form):
    """A new member's name and password (S7: Django's validators, 12+ characters)."""

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 12 characters; not a common password, not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error(
                "password2", _("The two passwords differ. Type the same one twice.")
            )
        elif p1:
            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                validate_password(p1, user=candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class LanguageForm(forms.Form):
    """A member's own language; blank follows the practice's (issue 18)."""

    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        practice_default = dict(settings.LANGUAGES)[practice.language]
        self.fields["language"].choices = [
            ("", _("The practice's language (%(name)s)") % {"name": practice_default}),
            *settings.LANGUAGES,
        ]
