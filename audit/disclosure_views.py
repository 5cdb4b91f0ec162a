"""The accounting of disclosures of one patient: a page and a PDF for the patient (#16).

Owner and compliance officer only (view_audit); each view and each PDF is
itself an audited event about the patient (S26).
"""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from audit.actions import Action
from audit.disclosures import PERIOD, disclosures_of
from audit.lookups import labels_for, patient_uuid
from audit.readable import PATIENT_TYPE
from audit.selectors import events_for
from audit.services import record_event
from pixiodoc.accounts.decorators import member_may


def _accounting(request, uuid) -> dict:
    # A patient this practice has no event about does not exist here (404, S8).
    if not events_for(member=request.member).filter(patient_uuid=uuid).exists():
        raise Http404
    practice = request.member.practice
    label = labels_for(practice, {PATIENT_TYPE: {uuid}})
    now = timezone.now()
    return {
        "patient_uuid": uuid,
        "record_number": label.get((PATIENT_TYPE, uuid)) or gettext("(no longer held)"),
        "disclosures": disclosures_of(practice=practice, patient_uuid=uuid, now=now),
        "since": timezone.localtime(now - PERIOD),
        "made_at": timezone.localtime(now),
        "made_by": request.member,
        "practice": practice,
        "time_zone": timezone.get_current_timezone_name(),
    }


@member_may("view_audit")
def disclosures_find(request):
    """Find a patient's accounting by record number, without opening the record."""
    text = request.GET.get("patient", "")
    error = ""
    if text:
        found = patient_uuid(request.member.practice, text)
        if found is not None:
            return redirect("audit:disclosures", uuid=found)
        error = gettext("No patient of this practice has that record number.")
    return render(
        request, "audit/disclosures_find.html", {"text": text, "error": error}
    )


@member_may("view_audit")
def disclosures(request, uuid):
    context = _accounting(request, uuid)
    record_event(
        action=Action.DISCLOSURES_VIEWED,
        actor=request.member,
        request=request,
        patient=uuid,
        details={"disclosures": len(context["disclosures"])},
    )
    return render(request, "audit/disclosures.html", context)


@member_may("view_audit")
def disclosures_pdf(request, uuid):
    from weasyprint import HTML

    context = _accounting(request, uuid)
    record_event(
        action=Action.DISCLOSURES_EXPORTED,
        actor=request.member,
        request=request,
        patient=uuid,
        details={"format": "pdf", "disclosures": len(context["disclosures"])},
    )
    html = render_to_string("audit/disclosures_report.html", context)
    response = HttpResponse(
        HTML(string=html).write_pdf(), content_type="application/pdf"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="disclosures-{uuid}-{stamp}.pdf"'
    )
    return response
