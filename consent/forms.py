"""Forms: choosing a template, the patient-facing consent form, withdrawal, overrides."""

from django import forms
from django.utils import timezone

from consent.models import PURPOSE_CODES, ConsentTemplate, Purpose

YES_NO = [("yes", "Yes"), ("no", "No")]


class StartForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=ConsentTemplate.objects.none(),
        label="Consent form",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the consent form to sign."},
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ConsentTemplate.objects.filter(
            practice=practice, is_current=True
        ).order_by("title")
        self.fields["template"].label_from_instance = lambda t: (
            f"{t.title} (version {t.version})"
        )


class ConsentForm(forms.Form):
    """What the patient answers on the tablet; the witness confirms with a password.

    Each purpose is its own yes/no with nothing selected (S30).
    """

    SIGNER = [("patient", "The patient"), ("representative", "A representative")]

    signer = forms.ChoiceField(
        choices=SIGNER,
        widget=forms.RadioSelect,
        label="Who is signing?",
        error_messages={
            "required": "Say who is signing: the patient or a representative."
        },
    )
    signer_name = forms.CharField(
        max_length=200,
        required=False,
        label="Representative's full name",
    )
    signer_relation = forms.CharField(
        max_length=100,
        required=False,
        label="Relation to the patient",
        help_text="For example: mother, guardian, attorney.",
    )
    signature = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-signature-value": ""})
    )
    witness_secret = forms.CharField(
        label="Staff: your password or authenticator code",
        help_text="Confirms that you witnessed the signature. Hand the tablet back "
        "to staff for this step.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": "A member of staff enters their password or code to confirm."
        },
    )

    def __init__(self, *args, template: ConsentTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        labels = dict(Purpose.choices)
        self.purpose_fields = []
        for code in template.purposes:
            name = f"purpose_{code}"
            self.fields[name] = forms.ChoiceField(
                choices=YES_NO,
                widget=forms.RadioSelect,
                required=False,
                label=labels[code],
            )
            self.purpose_fields.append(name)

    def purpose_bound_fields(self):
        return [self[name] for name in self.purpose_fields]

    def other_bound_fields(self):
        return [self[n] for n in ("signer", "signer_name", "signer_relation")]

    def clean(self):
        data = super().clean()
        answers = {}
        for name in self.purpose_fields:
            value = data.get(name)
            answers[name.removeprefix("purpose_")] = (
                None if not value else value == "yes"
            )
        if all(v is None for v in answers.values()):
            raise forms.ValidationError(
                "Answer yes or no for every question on the form."
            )
        for code, value in answers.items():
            if value is None:
                self.add_error(f"purpose_{code}", "Answer yes or no.")
        if data.get("signer") == "representative":
            for field in ("signer_name", "signer_relation"):
                if not (data.get(field) or "").strip():
                    self.add_error(
                        field, "A representative gives their name and relation."
                    )
        if not (data.get("signature") or "").strip():
            self.add_error(
                "signature",
                "Sign in the box with a finger or the mouse, then press Sign.",
            )
        data["answers"] = answers
        return data


class UnlockForm(forms.Form):
    witness_secret = forms.CharField(
        label="Staff: your password or authenticator code",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter your password or authenticator code."},
    )


class WithdrawForm(forms.Form):
    purpose = forms.ChoiceField(choices=Purpose.choices, widget=forms.HiddenInput)
    withdrawn_on = forms.DateField(
        label="Date of withdrawal",
        # ISO, whatever the locale: a date input shows nothing for "02/12/2026".
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Give the date the patient withdrew (today?)."},
    )
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "withdrawn_on", timezone.localdate()
        )
        super().__init__(*args, **kwargs)


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label="Why must photos be taken before consent?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "State why photos must be taken before consent is recorded."
        },
    )


class TemplateForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title")
    body = forms.CharField(
        label="Wording",
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Plain language. Blank lines separate paragraphs; **bold**, "
        "'# ' headings and '- ' lists are allowed; HTML is shown as text.",
    )
    purposes = forms.MultipleChoiceField(
        choices=[(c, dict(Purpose.choices)[c]) for c in PURPOSE_CODES],
        widget=forms.CheckboxSelectMultiple,
        label="Uses this form asks about",
        error_messages={"required": "Choose at least one use the form asks about."},
    )


class OverrideSettingForm(forms.Form):
    emergency_override_enabled = forms.BooleanField(
        required=False,
        label="Allow clinicians to take photos before consent in an emergency",
    )
