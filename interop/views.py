"""Downloads (DICOM ZIP, FHIR Bundle) and "Send to PACS" from the timeline.

All POST (S10): a download builds and audits an export, a send queues pushes.
"""

import io
import zipfile

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from interop.exceptions import InteropError
from interop.exports import export_dicom, export_fhir
from interop.pushes import push_photos
from interop.selectors import destinations_for
from patients.selectors import patients_for, visits_for
from pixiodoc.accounts.decorators import member_may


def _patient(request, uuid):
    return get_object_or_404(patients_for(member=request.member), uuid=uuid)


def _visit(request, uuid):
    return get_object_or_404(
        visits_for(member=request.member).select_related("patient"), uuid=uuid
    )


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


def _zip(files) -> bytes:
    buffer = io.BytesIO()
    # JPEG does not deflate; storing keeps the ZIP as fast to build as to read.
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def _dicom_zip(request, *, patient, visit, name: str, back: str):
    try:
        files = export_dicom(
            actor=request.member, patient=patient, visit=visit, request=request
        )
    except InteropError as error:
        messages.error(request, str(error))
        return redirect(back)
    return _download(_zip(files), "application/zip", name)


@require_POST
@member_may("view_patients")
def dicom_patient(request, uuid):
    patient = _patient(request, uuid)
    return _dicom_zip(
        request,
        patient=patient,
        visit=None,
        name=f"dicom-{patient.uuid}.zip",
        back=patient.get_absolute_url(),
    )


@require_POST
@member_may("view_patients")
def dicom_visit(request, uuid):
    visit = _visit(request, uuid)
    return _dicom_zip(
        request,
        patient=visit.patient,
        visit=visit,
        name=f"dicom-{visit.uuid}.zip",
        back=f"{visit.patient.get_absolute_url()}#visit-{visit.uuid}",
    )


@require_POST
@member_may("view_patients")
def fhir_patient(request, uuid):
    patient = _patient(request, uuid)
    body = export_fhir(actor=request.member, patient=patient, request=request)
    return _download(body, "application/fhir+json", f"fhir-{patient.uuid}.json")


def _send(request, *, patient, visit, back: str):
    destination = (
        destinations_for(member=request.member)
        .filter(uuid=request.POST.get("destination") or None)
        .first()
    )
    if destination is None:
        messages.error(request, gettext("Choose a PACS destination to send to."))
        return redirect(back)
    try:
        pushes = push_photos(
            actor=request.member,
            destination=destination,
            patient=patient,
            visit=visit,
            request=request,
        )
    except InteropError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s photo queued for %(name)s. The timeline shows when it is "
                "sent.",
                "%(count)s photos queued for %(name)s. The timeline shows when they "
                "are sent.",
                len(pushes),
            )
            % {"count": len(pushes), "name": destination.name},
        )
    return redirect(back)


@require_POST
@member_may("send_to_pacs")
def push_patient(request, uuid):
    patient = _patient(request, uuid)
    return _send(request, patient=patient, visit=None, back=patient.get_absolute_url())


@require_POST
@member_may("send_to_pacs")
def push_visit(request, uuid):
    visit = _visit(request, uuid)
    return _send(
        request,
        patient=visit.patient,
        visit=visit,
        back=f"{visit.patient.get_absolute_url()}#visit-{visit.uuid}",
    )
