from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from patients.models import Patient, Visit
from pixiodoc.accounts.models import Member


class DateInput(forms.DateInput):
    input_type = "date"


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "record_number",
            "email",
            "phone",
            "notes",
        ]
        widgets = {
            "date_of_birth": DateInput(format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "given_name": _("Given name"),
            "family_name": _("Family name"),
            "date_of_birth": _("Date of birth"),
            "sex": _("Sex"),
            "record_number": _("Record number"),
            "email": _("E-mail"),
            "phone": _("Phone"),
            "notes": _("Notes"),
        }


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["visit_on", "clinician", "reason", "notes"]
        widgets = {
            "visit_on": DateInput(format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "visit_on": _("Date of visit"),
            "clinician": _("Clinician"),
            "reason": pgettext_lazy("visit", "Reason"),
            "notes": _("Notes"),
        }

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = Member.objects.filter(
            practice=practice,
            is_active=True,
            role__in=[Member.Role.OWNER, Member.Role.CLINICIAN],
        ).select_related("user")
        self.fields["clinician"].label_from_instance = lambda m: m.user.display_name
        self.fields["clinician"].required = False


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name, record number or date of birth"),
        required=False,
        max_length=200,
    )
