"""Where a member asks for break-glass access to one record, by record number (#16).

The grant itself, its window and its checks live in pixiodoc.accounts.breakglass;
this page finds the patient (blocked ones too, so the refusal says why).
"""

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patients.models import Patient
from patients.selectors import patient_uuid_for_record_number
from pixiodoc.accounts.breakglass import WINDOW, BreakGlassError, open_grant
from pixiodoc.accounts.decorators import member_required


class BreakGlassForm(forms.Form):
    record_number = forms.CharField(label=_("Patient's record number"), max_length=64)
    reason = forms.CharField(
        label=_("Why you must open this record now"),
        max_length=1000,
        required=False,  # refused by the service, so the refusal is recorded
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The compliance officers are told at once and review it."),
    )


@member_required
def break_glass(request):
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = patient_uuid_for_record_number(
            request.member.practice, data["record_number"]
        )
        if found is None:
            form.add_error(
                "record_number",
                gettext("No patient of this practice has that record number."),
            )
        else:
            try:
                open_grant(
                    member=request.member,
                    patient=Patient.objects.get(uuid=found),
                    reason=data["reason"],
                    request=request,
                )
            except BreakGlassError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("patients:timeline", uuid=found)
    return render(
        request,
        "patients/break_glass.html",
        {"form": form, "minutes": int(WINDOW.total_seconds() // 60)},
    )
