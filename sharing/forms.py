"""Forms of the sharing app: the recipient's passcode, the sender's new link."""

from django import forms


class PasscodeForm(forms.Form):
    passcode = forms.CharField(
        label="Passcode",
        max_length=40,
        help_text="The sender gave it to you separately, by phone or another message.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class ExtendForm(forms.Form):
    expires_on = forms.DateField(
        label="New expiry date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The link stays open until the end of this day (UTC).",
    )
