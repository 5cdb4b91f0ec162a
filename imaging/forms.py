from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from imaging import regions


class PhotoDetailsForm(forms.Form):
    """What goes with every file of one upload: where on the body, tags, a note."""

    body_region = forms.ChoiceField(
        label=_("Body region"),
        choices=[("", _("Choose a body region"))] + regions.CHOICES,
        help_text=_("Repeat photos line up with the last photo of the same region."),
    )
    laterality = forms.ChoiceField(
        label=_("Side"), choices=regions.SIDE_CHOICES, required=False
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Optional, separated by commas (for example: wound, week 2)."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    place_by_capture_date = forms.BooleanField(
        label=_("File each photo on the visit of the date it was taken"),
        required=False,
        help_text=_(
            "Uses the date the camera recorded; a visit is added when none exists."
        ),
    )


class DeletePhotoForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this photo deleted?"),
        min_length=3,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required. Kept with the photo's record; it is not shown in the audit log."
        ),
    )


class CompareForm(forms.Form):
    a = forms.UUIDField(required=False)
    b = forms.UUIDField(required=False)


class FilterForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Body region"),
        choices=[("", _("All regions"))] + regions.CHOICES,
        required=False,
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)


NEW_VISIT = "new"


class TrayAcceptForm(forms.Form):
    """Which visit a patient's photo goes on: one of theirs, or a new one."""

    visit = forms.ChoiceField(label=_("Onto the visit"))
    visit_on = forms.DateField(
        label=_("Date of the new visit"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(self, *args, visits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit"].choices = [
            (NEW_VISIT, _("A new visit")),
            *((str(v.uuid), formats.date_format(v.visit_on)) for v in visits),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("visit") == NEW_VISIT and not cleaned.get("visit_on"):
            self.add_error("visit_on", _("Give the date of the new visit."))
        return cleaned
