from django import forms

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
        labels = {"record_number": "Record number", "date_of_birth": "Date of birth"}


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["visit_on", "clinician", "reason", "notes"]
        widgets = {
            "visit_on": DateInput(format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"visit_on": "Date of visit"}

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
        label="Search by name, record number or date of birth",
        required=False,
        max_length=200,
    )
