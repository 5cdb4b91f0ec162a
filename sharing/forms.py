"""Forms of the sharing app: the recipient's passcode, the sender's new link."""

from django import forms
from django.utils import formats
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class PasscodeForm(forms.Form):
    passcode = forms.CharField(
        label=_("Passcode"),
        max_length=40,
        help_text=_(
            "The sender gave it to you separately, by phone or another message."
        ),
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
        label=_("New expiry date"),
        # ISO, whatever the language: a date input shows nothing for "02/12/2026".
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("The link stays open until the end of this day (UTC)."),
    )


class ShareLinkForm(forms.Form):
    """A new link: which photos, for whom, for how long, with what protection."""

    photos = forms.MultipleChoiceField(
        label=_("Photos"), required=False, widget=forms.CheckboxSelectMultiple
    )
    visits = forms.MultipleChoiceField(
        label=_("Whole visits"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every photo of the visits ticked here is shared too."),
    )
    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=150)
    recipient_email = forms.EmailField(
        label=_("Recipient's e-mail address"),
        help_text=_("The link is e-mailed here, for example name@hospital.org."),
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the recipient above the photos."),
    )
    days = forms.IntegerField(label=_("Available for (days)"), min_value=1, initial=7)
    with_passcode = forms.BooleanField(
        label=_("Protect with a passcode"),
        required=False,
        help_text=_(
            "A passcode is generated and shown to you once: give it to the "
            "recipient by phone or another channel, not in the same e-mail."
        ),
    )
    open_limit = forms.IntegerField(
        label=_("Open limit"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("How many times the link may be opened. Leave empty for no limit."),
    )
    allow_download = forms.BooleanField(
        label=_("Allow download of display-size images"),
        required=False,
        help_text=_("Originals are never shared."),
    )
    include_identity = forms.BooleanField(
        label=_("Include the patient's name and date of birth"),
        required=False,
        help_text=_("Leave unticked unless the recipient needs them."),
    )

    def __init__(self, *args, photos, max_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.photo_rows = list(photos)
        self.max_days = max_days
        self.fields["photos"].choices = [
            (str(p.uuid), f"{formats.date_format(p.visit.visit_on)} · {p.site_label}")
            for p in self.photo_rows
        ]
        visits = {p.visit.uuid: p.visit for p in self.photo_rows}
        self.fields["visits"].choices = [
            (str(uuid), formats.date_format(visit.visit_on))
            for uuid, visit in visits.items()
        ]
        self.fields["days"].widget.attrs["max"] = max_days
        self.fields["days"].help_text = ngettext(
            "At most %(days)s day (your practice's maximum).",
            "At most %(days)s days (your practice's maximum).",
            max_days,
        ) % {"days": max_days}

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days > self.max_days:
            raise forms.ValidationError(
                ngettext(
                    "Choose at most %(days)s day: your practice's maximum.",
                    "Choose at most %(days)s days: your practice's maximum.",
                    self.max_days,
                )
                % {"days": self.max_days}
            )
        return days

    def clean(self):
        cleaned = super().clean()
        chosen_photos = set(cleaned.get("photos") or [])
        chosen_visits = set(cleaned.get("visits") or [])
        selected = [
            p
            for p in self.photo_rows
            if str(p.uuid) in chosen_photos or str(p.visit.uuid) in chosen_visits
        ]
        if not selected and not self.has_error("photos"):
            self.add_error(
                "photos", gettext("Choose at least one photo or a whole visit.")
            )
        cleaned["selected_photos"] = selected
        return cleaned


class PatientLinkForm(forms.Form):
    """A patient's own link: what it is for, what is asked, for how long."""

    for_photos = forms.BooleanField(
        label=_("Send follow-up photos from home"), required=False
    )
    regions = forms.MultipleChoiceField(
        label=_("Body regions asked for"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photos_asked = forms.IntegerField(
        label=_("How many photos"), required=False, min_value=1, max_value=20
    )
    note = forms.CharField(
        label=_("Note to the patient"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown only after the patient's identity check, never in the e-mail."
        ),
    )
    for_consents = forms.BooleanField(
        label=_("See and withdraw their consents, ask for their data or erasure"),
        required=False,
    )
    days = forms.IntegerField(
        label=_("Days the link works"), initial=7, min_value=1, max_value=30
    )
    session_limit = forms.IntegerField(
        label=_("Sessions allowed"),
        initial=5,
        min_value=1,
        max_value=20,
        help_text=_(
            "Each identity check that succeeds on a new phone or browser uses one."
        ),
    )
    ask_surname = forms.BooleanField(
        label=_("Also ask the last three letters of the surname"), required=False
    )

    def __init__(self, *args, **kwargs):
        from imaging.regions import CHOICES

        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = CHOICES


class IdentityForm(forms.Form):
    """The patient's identity check; the surname field only when the link asks."""

    date_of_birth = forms.DateField(
        label=_("Your date of birth"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    surname = forms.CharField(
        label=_("The last three letters of your surname"),
        # The whole surname works too: only its last three letters are compared.
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args, ask_surname: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_surname:
            del self.fields["surname"]
