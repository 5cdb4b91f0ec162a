"""Forms: choosing a template, the patient-facing consent form, withdrawal, overrides,
and the practice's form wording per language."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from consent.models import LANGUAGE_CODES, PURPOSE_CODES, ConsentTemplate, Purpose

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def language_choices(codes=LANGUAGE_CODES) -> list[tuple[str, str]]:
    """Languages named in the reader's language (staff pages)."""
    return [(code, get_language_info(code)["name_translated"]) for code in codes]


class StartForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=ConsentTemplate.objects.none(),
        label=_("Consent form"),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the consent form to sign.")},
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = (
            ConsentTemplate.objects.filter(practice=practice, is_current=True)
            .prefetch_related("texts")
            .order_by("pk")
        )
        self.fields["template"].label_from_instance = self.label

    @staticmethod
    def label(template) -> str:
        names = dict(language_choices(template.languages))
        return gettext("%(title)s (version %(version)s) · %(languages)s") % {
            "title": template.title,
            "version": template.version,
            "languages": ", ".join(str(names[c]) for c in template.languages),
        }


class ConsentForm(forms.Form):
    """What the patient answers on the tablet; the witness confirms with a password.

    Each purpose is its own yes/no with nothing selected (S30). `language` is the
    wording shown: it comes back with the answers, so what is recorded is what
    was read.
    """

    SIGNER = [("patient", _("The patient")), ("representative", _("A representative"))]

    language = forms.ChoiceField(choices=settings.LANGUAGES, widget=forms.HiddenInput)
    signer = forms.ChoiceField(
        choices=SIGNER,
        widget=forms.RadioSelect,
        label=_("Who is signing?"),
        error_messages={
            "required": _("Say who is signing: the patient or a representative.")
        },
    )
    signer_name = forms.CharField(
        max_length=200,
        required=False,
        label=_("Representative's full name"),
    )
    signer_relation = forms.CharField(
        max_length=100,
        required=False,
        label=_("Relation to the patient"),
        help_text=_("For example: mother, guardian, attorney."),
    )
    signature = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-signature-value": ""})
    )
    witness_secret = forms.CharField(
        label=_("Staff: your password or authenticator code"),
        help_text=_(
            "Confirms that you witnessed the signature. Hand the tablet back "
            "to staff for this step."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("A member of staff enters their password or code to confirm.")
        },
    )

    def __init__(self, *args, template: ConsentTemplate, language: str, **kwargs):
        kwargs.setdefault("initial", {})["language"] = language
        super().__init__(*args, **kwargs)
        self.template = template
        self.shown_language = language
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

    def clean_language(self):
        language = self.cleaned_data["language"]
        if language != self.shown_language:
            raise forms.ValidationError(
                _(
                    "The form's language was changed meanwhile. Read it again, then sign."
                )
            )
        return language

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
                _("Answer yes or no for every question on the form.")
            )
        for code, value in answers.items():
            if value is None:
                self.add_error(f"purpose_{code}", _("Answer yes or no."))
        if data.get("signer") == "representative":
            for field in ("signer_name", "signer_relation"):
                if not (data.get(field) or "").strip():
                    self.add_error(
                        field, _("A representative gives their name and relation.")
                    )
        if not (data.get("signature") or "").strip():
            self.add_error(
                "signature",
                _("Sign in the box with a finger or the mouse, then press Sign."),
            )
        data["answers"] = answers
        return data


class UnlockForm(forms.Form):
    witness_secret = forms.CharField(
        label=_("Staff: your password or authenticator code"),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter your password or authenticator code.")},
    )


class WithdrawForm(forms.Form):
    purpose = forms.ChoiceField(choices=Purpose.choices, widget=forms.HiddenInput)
    withdrawn_on = forms.DateField(
        label=_("Date of withdrawal"),
        # ISO, whatever the locale: a date input shows nothing for "02/12/2026".
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the date the patient withdrew (today?)."),
        },
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
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
        label=_("Why must photos be taken before consent?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("State why photos must be taken before consent is recorded.")
        },
    )


class WordingForm(forms.Form):
    """A form's wording in one language: the language, its title and its text."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    title = forms.CharField(max_length=200, label=_("Title"))
    body = forms.CharField(
        label=_("Wording"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Plain language. Blank lines separate paragraphs; **bold**, "
            "'# ' headings and '- ' lists are allowed; HTML is shown as text."
        ),
    )

    def __init__(self, *args, languages=LANGUAGE_CODES, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices(languages)


class TemplateForm(WordingForm):
    """A new form, or a new version of one: wording in one language and its uses.

    When editing, the language is the one being edited (`fixed_language`)."""

    purposes = forms.MultipleChoiceField(
        choices=[(c, dict(Purpose.choices)[c]) for c in PURPOSE_CODES],
        widget=forms.CheckboxSelectMultiple,
        label=_("Uses this form asks about"),
        error_messages={"required": _("Choose at least one use the form asks about.")},
    )

    def __init__(self, *args, fixed_language=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_language:
            field = self.fields["language"]
            field.disabled = True
            field.help_text = _(
                "Saving makes a new version with this wording; its other languages "
                "are copied unchanged: check they still say the same."
            )


class TemplateLanguageForm(WordingForm):
    """One more language for the current version: only a language it lacks."""

    def __init__(self, *args, template: ConsentTemplate, **kwargs):
        missing = [c for c in LANGUAGE_CODES if c not in template.languages]
        super().__init__(*args, languages=missing, **kwargs)


class OverrideSettingForm(forms.Form):
    emergency_override_enabled = forms.BooleanField(
        required=False,
        label=_("Allow clinicians to take photos before consent in an emergency"),
    )
