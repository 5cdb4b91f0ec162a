import json

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imaging import regions
from teaching.exports import FORMATS, PURPOSES
from teaching.models import SHARE_MAX_DAYS, TeachingSettings
from teaching.shares import DEFAULT_DAYS

NO_NAMES = _("Never a name, record number or date of birth: the library is shared.")


class DeidentifyForm(forms.Form):
    """What goes with a de-identified image; `edits` is the editor's JSON."""

    edits = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, help_text=NO_NAMES)
    body_region = forms.ChoiceField(
        label=_("Body region"),
        choices=[("", _("Choose a body region")), *regions.CHOICES],
    )
    diagnosis = forms.CharField(
        label=_("Diagnosis"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Optional, separated by commas (for example: melanoma, before)."),
    )
    case = forms.ChoiceField(label=_("Add to case"), required=False)
    new_case_title = forms.CharField(
        label=_("…or start a new case titled"),
        required=False,
        max_length=200,
        help_text=_("A case groups images shown together (before and after, say)."),
    )
    for_publication = forms.BooleanField(
        label=_("Cleared for publication (needs the patient's publication consent)"),
        required=False,
    )

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = {str(case.uuid): case for case in cases}
        self.fields["case"].choices = [("", gettext("No case"))] + [
            (key, case.title) for key, case in self.cases.items()
        ]

    def clean_edits(self):
        raw = self.cleaned_data.get("edits") or "{}"
        try:
            return json.loads(raw)
        except ValueError:
            # The field is hidden: the message goes where the member sees it.
            self.add_error(
                None,
                gettext("The editor's boxes were not understood: draw them again."),
            )
            return {}

    def clean_case(self):
        return self.cases.get(self.cleaned_data.get("case") or "")


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ChoiceField(
        label=_("Body region"),
        required=False,
        choices=[("", _("All regions")), *regions.CHOICES],
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)


FORMAT_LABELS = {"zip": _("ZIP of JPEGs"), "pptx": _("Slide deck")}
PURPOSE_LABELS = {"teaching": _("Teaching"), "publication": _("Publication")}


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(f, FORMAT_LABELS[f]) for f in FORMATS],
    )
    purpose = forms.ChoiceField(
        label=_("For"),
        choices=[(p, PURPOSE_LABELS[p]) for p in PURPOSES],
        initial="teaching",
    )


class ShareForm(forms.Form):
    days = forms.IntegerField(
        label=_("Days the link stays open"),
        min_value=1,
        max_value=SHARE_MAX_DAYS,
        initial=DEFAULT_DAYS,
    )


class SettingsForm(forms.Form):
    watermark = forms.ChoiceField(
        label=_("Watermark on exported images"),
        choices=TeachingSettings.Watermark.choices,
        widget=forms.RadioSelect,
    )
