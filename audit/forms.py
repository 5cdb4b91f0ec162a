"""The compliance filter: dates, member, patient (record number or uuid), action, outcome."""

from django import forms
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit import lookups
from audit.actions import Action, Outcome
from audit.lookups import labels_for
from audit.readable import PATIENT_TYPE
from pixiodoc.accounts.models import Member


class DateInput(forms.DateInput):
    input_type = "date"


class EventFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=DateInput(format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To (included)"), required=False, widget=DateInput(format="%Y-%m-%d")
    )
    member = forms.ModelChoiceField(
        label=_("Member"),
        queryset=Member.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("Anyone"),
        error_messages={
            "invalid_choice": _(
                "This is not a member of this practice: choose one from the list."
            )
        },
    )
    patient = forms.CharField(
        label=_("Patient (record number or id)"),
        required=False,
        max_length=100,
        help_text=_(
            "Found through the record number's blind index; events show the "
            "patient's id."
        ),
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action")), *Action.choices],
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Any outcome")), *Outcome.choices],
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice
        self.fields["member"].queryset = (
            Member.objects.filter(practice=practice)
            .select_related("user")
            .order_by("user__email")
        )
        self.fields["member"].label_from_instance = lambda m: (
            f"{m.user.display_name} ({m.get_role_display()})"
        )

    def clean_patient(self):
        text = self.cleaned_data["patient"].strip()
        if not text:
            return None
        found = lookups.patient_uuid(self.practice, text)
        if found is None:
            raise forms.ValidationError(
                gettext(
                    "No patient of this practice has this record number. Check it, "
                    "or paste the patient's id from an event."
                )
            )
        return found

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error(
                "end",
                gettext(
                    "The end date is before the start date: choose a later end date."
                ),
            )
        return data

    def filters(self) -> dict:
        """Keyword arguments for selectors.filter_events."""
        data = self.cleaned_data
        return {
            "start": data.get("start"),
            "end": data.get("end"),
            "member": data.get("member"),
            "patient_uuid": data.get("patient"),
            "action": data.get("action", ""),
            "outcome": data.get("outcome", ""),
        }

    def described(self) -> dict:
        """The filter as recorded in the audit log and printed on reports: PHI-free."""
        data = self.filters()
        data["patient"] = data.pop("patient_uuid")
        return {
            key: str(value.uuid if key == "member" else value)
            for key, value in data.items()
            if value
        }

    def shown(self) -> dict:
        """The filter as a person reads it on the PDF report: names and labels."""
        data, shown = self.filters(), {}
        if data["start"]:
            shown[gettext("from")] = formats.date_format(data["start"])
        if data["end"]:
            shown[gettext("to")] = formats.date_format(data["end"])
        if data["member"]:
            member = data["member"]
            shown[gettext("member")] = (
                f"{member.user.display_name} ({member.get_role_display()})"
            )
        if data["patient_uuid"]:
            key = (PATIENT_TYPE, data["patient_uuid"])
            labels = labels_for(self.practice, {PATIENT_TYPE: {data["patient_uuid"]}})
            shown[gettext("patient")] = labels.get(key) or gettext("no longer held")
        if data["action"]:
            shown[gettext("action")] = dict(Action.choices).get(
                data["action"], data["action"]
            )
        if data["outcome"]:
            shown[gettext("outcome")] = dict(Outcome.choices).get(
                data["outcome"], data["outcome"]
            )
        return shown
