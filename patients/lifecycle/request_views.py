"""The register of patients' requests (#16): thin views over patients.lifecycle.requests.

Anyone in the practice registers a request by record number; the owner and the
compliance officer (handle_requests) see the register and answer: extend,
export, file the erasure, close. Pages name the patient by record number only.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.actions import Action
from audit.services import record_event
from patients.exceptions import LifecycleError
from patients.lifecycle import export as export_service
from patients.lifecycle import requests as service
from patients.lifecycle.forms import (
    CloseRequestForm,
    ExtensionForm,
    SubjectRequestForm,
)
from patients.lifecycle.models import PatientExport
from patients.lifecycle.selectors import subject_requests_for
from patients.models import Patient
from patients.selectors import patient_uuid_for_record_number
from pixiodoc.accounts.decorators import member_may


@member_may("handle_requests")
def request_list(request):
    requests = subject_requests_for(member=request.member).select_related(
        "patient", "registered_by__user"
    )
    open_requests = [r for r in requests if r.is_open]
    closed = [r for r in requests.order_by("-closed_at") if not r.is_open][:50]
    # The register names these patients by record number (S40).
    record_event(
        action=Action.REQUEST_VIEWED,
        actor=request.member,
        request=request,
        details={
            "patients": sorted({str(r.patient_uuid) for r in open_requests + closed})
        },
    )
    return render(
        request,
        "patients/lifecycle/request_list.html",
        {"open": open_requests, "closed": closed, "today": timezone.localdate()},
    )


@member_may("register_request")
def request_create(request):
    form = SubjectRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = patient_uuid_for_record_number(
            request.member.practice, data["record_number"]
        )
        if found is None:
            form.add_error(
                "record_number",
                _("No patient of this practice has that record number."),
            )
        else:
            try:
                registered = service.register_request(
                    patient=Patient.objects.get(uuid=found),
                    kind=data["kind"],
                    received_on=data["received_on"],
                    source=data["source"],
                    actor=request.member,
                    request=request,
                )
            except LifecycleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Request registered; it must be answered by %(due)s.")
                    % {"due": formats.date_format(registered.due_on)},
                )
                if request.member.may("handle_requests"):
                    return redirect("patients:request", uuid=registered.uuid)
                return redirect("patients:request_create")
    return render(request, "patients/lifecycle/request_form.html", {"form": form})


def _request_of(request, uuid):
    return get_object_or_404(
        subject_requests_for(member=request.member).select_related(
            "patient", "export", "erasure"
        ),
        uuid=uuid,
    )


@member_may("handle_requests")
def request_detail(request, uuid):
    subject_request = _request_of(request, uuid)
    record_event(
        action=Action.REQUEST_VIEWED,
        actor=request.member,
        request=request,
        target=subject_request,
        patient=subject_request.patient_uuid,
    )
    export = subject_request.export
    return render(
        request,
        "patients/lifecycle/request_detail.html",
        {
            "subject_request": subject_request,
            "today": timezone.localdate(),
            "export": export,
            "may_download": export is not None
            and export.status == PatientExport.Status.READY
            and export.requested_by_id == request.member.pk,
            "extension_form": ExtensionForm(),
            "close_form": CloseRequestForm(),
        },
    )


def _act(request, uuid, action, done: str, **fields):
    subject_request = _request_of(request, uuid)
    try:
        action(
            actor=request.member,
            subject_request=subject_request,
            request=request,
            **fields,
        )
    except LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("patients:request", uuid=subject_request.uuid)


@require_POST
@member_may("handle_requests")
def request_extend(request, uuid):
    form = ExtensionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        uuid,
        service.extend_request,
        _("Deadline extended by two months."),
        reason=reason,
    )


@require_POST
@member_may("handle_requests")
def request_close(request, uuid):
    form = CloseRequestForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"status": "", "outcome": ""}
    return _act(
        request,
        uuid,
        service.close_request,
        _("Request closed."),
        status=data["status"],
        outcome=data["outcome"],
    )


@require_POST
@member_may("handle_requests")
def request_export(request, uuid):
    return _act(
        request,
        uuid,
        service.start_request_export,
        _("Export started: it can be downloaded here once it is built."),
    )


@require_POST
@member_may("handle_requests")
def request_erasure(request, uuid):
    return _act(
        request,
        uuid,
        service.file_erasure,
        _("Erasure filed: a different owner or compliance officer must approve it."),
    )


@require_POST
@member_may("handle_requests")
def request_export_download(request, uuid):
    subject_request = _request_of(request, uuid)
    if subject_request.export is None:
        messages.error(request, _("No export was started for this request."))
        return redirect("patients:request", uuid=subject_request.uuid)
    try:
        filename, archive = export_service.download_export(
            actor=request.member, export=subject_request.export, request=request
        )
    except LifecycleError as exc:
        messages.error(request, str(exc))
        return redirect("patients:request", uuid=subject_request.uuid)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
