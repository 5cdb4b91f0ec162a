"""The "From the patient" tray on the timeline: see, accept onto a visit, reject."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.actions import Action
from audit.services import record_view
from imaging import tray
from imaging.exceptions import ImagingError
from imaging.forms import NEW_VISIT, TrayAcceptForm
from imaging.models import RENDITIONS, TrayPhoto
from imaging.placeholder import placeholder_png
from imaging.responses import image_response
from imaging.services import PhotoUnreadable
from patients.selectors import patients_for
from pixiodoc.accounts.decorators import member_may


def tray_for(*, member):
    """Waiting photos of the member's practice's patients (another practice's: 404)."""
    return TrayPhoto.objects.filter(
        patient__in=patients_for(member=member), state=TrayPhoto.State.WAITING
    ).select_related("patient")


def _waiting(request, uuid) -> TrayPhoto:
    return get_object_or_404(tray_for(member=request.member), uuid=uuid)


@require_GET
@member_may("view_patients")
def tray_rendition(request, uuid, rendition):
    if rendition not in RENDITIONS:
        raise Http404
    waiting = _waiting(request, uuid)
    try:
        body = tray.read_tray_rendition(
            actor=request.member, tray=waiting, rendition=rendition, request=request
        )
    except PhotoUnreadable:
        response = image_response(
            placeholder_png(), "image/png", "integrity-failure.png"
        )
        response["X-PixioDoc-Integrity"] = "failed"
        return response
    return image_response(body, "image/jpeg", f"{waiting.uuid}-{rendition}.jpg")


@require_POST
@member_may("edit_patients")
def tray_accept(request, uuid):
    waiting = _waiting(request, uuid)
    patient = waiting.patient
    visits = list(patient.visits.all())
    form = TrayAcceptForm(request.POST, visits=visits)
    if not form.is_valid():
        messages.error(
            request, " ".join(e for errors in form.errors.values() for e in errors)
        )
        return redirect(f"{patient.get_absolute_url()}#from-the-patient")
    chosen = form.cleaned_data["visit"]
    visit = (
        None
        if chosen == NEW_VISIT
        else next(v for v in visits if str(v.uuid) == chosen)
    )
    try:
        photo = tray.accept(
            actor=request.member,
            tray=waiting,
            visit=visit,
            visit_on=form.cleaned_data["visit_on"],
            request=request,
        )
    except ImagingError as error:
        messages.error(request, str(error))
        return redirect(f"{patient.get_absolute_url()}#from-the-patient")
    messages.success(request, _("The patient's photo is on the visit now."))
    return redirect(
        f"{patient.get_absolute_url()}?new={photo.uuid}#visit-{photo.visit.uuid}"
    )


@require_http_methods(["GET", "POST"])
@member_may("delete_photo")
def tray_reject(request, uuid):
    """One confirmation, then the photo is crypto-erased."""
    waiting = _waiting(request, uuid)
    patient = waiting.patient
    if request.method == "POST":
        try:
            tray.reject(actor=request.member, tray=waiting, request=request)
        except ImagingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The patient's photo is rejected and erased for good.")
            )
        return redirect(f"{patient.get_absolute_url()}#from-the-patient")
    # The confirmation names the patient (S40) and shows the photo (fetched apart).
    record_view(
        action=Action.PATIENT_VIEWED,
        actor=request.member,
        request=request,
        page="tray_reject",
        shown=("name", "record_number", "date_of_birth", "body_region"),
        target=waiting,
        patient=patient,
    )
    return render(
        request,
        "imaging/tray_reject.html",
        {
            "tray_photo": waiting,
            "patient": patient,
            "action_url": request.path,
            "cancel_url": f"{patient.get_absolute_url()}#from-the-patient",
        },
    )
