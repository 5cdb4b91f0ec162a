"""The phone camera page and its entry point from the timeline (issue 12)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from consent.checks import FIX, TREATMENT, capture_allowed
from imaging import regions
from imaging.capture import start_capture, todays_visit
from imaging.exceptions import ConsentMissing, ImagingError
from patients.selectors import patients_for, visits_for
from pixiodoc.accounts.decorators import member_may

# Short names for the side buttons of the camera view; the form keeps the long ones.
SIDE_BUTTONS = [
    ("left", pgettext_lazy("side", "Left")),
    ("right", pgettext_lazy("side", "Right")),
    ("both", pgettext_lazy("side", "Both")),
    ("", _("No side")),
]


@require_POST
@member_may("edit_patients")
def capture_today(request, uuid):
    """One tap from the timeline: today's visit (made when none exists), then the camera."""
    patient = get_object_or_404(patients_for(member=request.member), uuid=uuid)
    try:
        visit = todays_visit(actor=request.member, patient=patient, request=request)
    except ConsentMissing as missing:
        messages.error(request, str(missing))
        return redirect("consent:start", uuid=patient.uuid)
    except ImagingError as error:
        messages.error(request, str(error))
        return redirect(patient)
    return redirect("imaging:capture", uuid=visit.uuid)


@require_GET
@member_may("edit_patients")
def capture(request, uuid):
    """The full-screen camera for one visit; shots upload in the background."""
    visit = get_object_or_404(
        visits_for(member=request.member).select_related("patient"), uuid=uuid
    )
    patient = visit.patient
    start = start_capture(member=request.member, patient=patient, request=request)
    midline_sites, sided_sites = regions.sites()
    return render(
        request,
        "imaging/capture.html",
        {
            "visit": visit,
            "patient": patient,
            # Consent before work: without it the page offers "Record consent" only;
            # the upload endpoint still refuses on its own (server checks unchanged).
            "allowed": capture_allowed(patient),
            "consent_message": FIX[TREATMENT],
            "regions": regions.CHOICES,
            "sides": SIDE_BUTTONS,
            "midline_sites": midline_sites,
            "sided_sites": sided_sites,
            "start": start,
            "upload_url": reverse("imaging:upload", kwargs={"uuid": visit.uuid}),
            "timeline_url": patient.get_absolute_url(),
        },
    )
