from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


class ErasureRequestForm(forms.Form):
    patient = forms.CharField(
        label=_("Patient (record number or id)"),
        max_length=64,
        help_text=_("The record number, or the patient id shown on the record."),
    )
    asked_on = forms.DateField(
        label=_("Date the patient asked"),
        widget=DateInput(format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    reason = forms.CharField(
        label=_("Reason or note (no clinical details)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject, for instance the legal duty to keep records."),
    )


class RetentionPolicyForm(forms.Form):
    years = forms.IntegerField(
        label=_("Years to keep a record after the last visit"),
        min_value=1,
        max_value=100,
        help_text=_("Minors' records are kept at least until 18 plus this many years."),
    )


class LegalHoldForm(forms.Form):
    patient = forms.CharField(label=_("Patient (record number or id)"), max_length=64)
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=80,
        help_text=_("A case or matter number; no names or clinical details."),
    )


class SubjectRequestForm(forms.Form):
    record_number = forms.CharField(
        label=_("Patient's record number"),
        max_length=64,
        help_text=_("Found through the search index: the record itself is not opened."),
    )
    kind = forms.ChoiceField(label=_("The patient asks for"), choices=())
    source = forms.ChoiceField(label=_("Received by"), choices=())
    received_on = forms.DateField(
        label=_("Date received"),
        widget=DateInput(format="%Y-%m-%d"),
        initial=timezone.localdate,
    )

    def __init__(self, *args, **kwargs):
        from patients.lifecycle.models import SubjectRequest

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SubjectRequest.Kind.choices
        # The patient's own link files its requests itself.
        self.fields["source"].choices = [
            c
            for c in SubjectRequest.Source.choices
            if c[0] != SubjectRequest.Source.PATIENT_LINK
        ]


class ExtensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for two more months (the patient is told)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseRequestForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("answered", _("Answered")), ("refused", _("Refused"))],
    )
    outcome = forms.CharField(
        label=_("What was answered, or why refused (no clinical details)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
