from django import forms
from django.contrib.auth import authenticate


class SignInForm(forms.Form):
    username = forms.EmailField(
        label="E-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
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
                "That e-mail and password do not match. Check both and try again."
            )
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )
