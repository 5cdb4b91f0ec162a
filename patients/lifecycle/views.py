"""Retention, legal holds, erasure requests and patient exports: thin views over services."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from audit.actions import Action
from audit.services import record_event, record_view
from patients.exceptions import LifecycleError
from patients.lifecycle import erasure as erasure_service
from patients.lifecycle import export as export_service
from patients.lifecycle import retention
from patients.lifecycle.certificate import certificate_pdf
from patients.lifecycle.forms import (
    DecisionForm,
    ErasureRequestForm,
    LegalHoldForm,
    RetentionPolicyForm,
)
from patients.lifecycle.models import ErasureRequest, RetentionRun
from patients.lifecycle.selectors import (
    erasure_preview,
    erasures_for,
    exports_for,
    find_patient,
    holds_for,
)
from patients.models import Patient
from pixiodoc.accounts.decorators import member_may

# The erasure job's steps (ErasureRequest.STEPS) as the progress list names them.
STEP_LABELS = {
    "block": gettext_lazy("Block the record"),
    "destroy_key": gettext_lazy("Destroy the data key"),
    "delete_blobs": gettext_lazy("Delete encrypted files"),
    "delete_rows": gettext_lazy("Delete the records"),
    "certificate": gettext_lazy("Write the certificate"),
}

# --- retention --------------------------------------------------------------------


@member_may("manage_retention")
def retention_page(request):
    """The dry run: what the next purge would remove; changes nothing (S33)."""
    report = retention.due_for_purge(practice=request.member.practice)
    record_event(
        action=Action.RETENTION_DRY_RUN,
        actor=request.member,
        request=request,
        details={"due": len(report.due), "held": len(report.held)},
    )
    return render(
        request,
        "patients/lifecycle/retention.html",
        {
            "report": report,
            "policy_form": RetentionPolicyForm(initial={"years": report.years}),
            "hold_form": LegalHoldForm(),
            "holds": holds_for(member=request.member)
            .filter(released_at__isnull=True)
            .select_related("patient", "placed_by__user"),
            "runs": [
                (run, run.report.get(str(request.member.practice.uuid)))
                for run in RetentionRun.objects.all()[:5]
            ],
        },
    )


@require_POST
@member_may("manage_retention")
def retention_policy(request):
    form = RetentionPolicyForm(request.POST)
    if form.is_valid():
        try:
            retention.set_policy(
                actor=request.member, years=form.cleaned_data["years"], request=request
            )
        except LifecycleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Retention policy saved."))
    else:
        messages.error(request, _("Enter a number of years between 1 and 100."))
    return redirect("patients:retention")


@require_POST
@member_may("manage_retention")
def hold_place(request):
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the patient and the case reference."))
        return redirect("patients:retention")
    patient = find_patient(
        member=request.member, reference=form.cleaned_data["patient"]
    )
    if patient is None:
        messages.error(
            request, _("No patient of this practice has that record number or id.")
        )
        return redirect("patients:retention")
    try:
        retention.place_legal_hold(
            actor=request.member,
            patient=patient,
            reference=form.cleaned_data["reference"],
            request=request,
        )
    except LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Legal hold placed: nothing of this record will be purged or erased."),
        )
    return redirect("patients:retention")


@require_POST
@member_may("manage_retention")
def hold_release(request, uuid):
    hold = get_object_or_404(holds_for(member=request.member), uuid=uuid)
    try:
        retention.release_legal_hold(actor=request.member, hold=hold, request=request)
    except LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Legal hold released."))
    return redirect("patients:retention")


# --- erasure ----------------------------------------------------------------------


@member_may("request_erasure")
def erasure_list(request):
    erasures = erasures_for(member=request.member).select_related(
        "requested_by__user", "decided_by__user"
    )
    return render(
        request,
        "patients/lifecycle/erasure_list.html",
        {
            "open": [e for e in erasures if e.is_open],
            "closed": [e for e in erasures if not e.is_open][:50],
        },
    )


@member_may("request_erasure")
def erasure_create(request):
    initial = {"patient": request.GET.get("patient", "")}
    form = ErasureRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        patient = find_patient(
            member=request.member, reference=form.cleaned_data["patient"]
        )
        if patient is None:
            form.add_error(
                "patient",
                _("No patient of this practice has that record number or id."),
            )
        else:
            try:
                erasure = erasure_service.request_erasure(
                    actor=request.member,
                    patient=patient,
                    asked_on=form.cleaned_data["asked_on"],
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except LifecycleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Erasure requested. A different owner or compliance officer "
                        "must now approve or reject it."
                    ),
                )
                return redirect("patients:erasure", uuid=erasure.uuid)
    return render(request, "patients/lifecycle/erasure_form.html", {"form": form})


def _erasure_context(request, erasure):
    member = request.member
    return {
        "erasure": erasure,
        "may_decide": erasure.status == ErasureRequest.Status.PENDING
        and member.may("approve_erasure")
        and erasure.requested_by_id != member.pk,
        "own_request": erasure.requested_by_id == member.pk,
        "may_retry": erasure.status == ErasureRequest.Status.FAILED
        and member.may("approve_erasure"),
        "steps": [
            (
                step,
                STEP_LABELS[step],
                step in erasure.steps_done,
                erasure.failed_step == step,
            )
            for step in ErasureRequest.STEPS
        ],
        "failed_step_label": STEP_LABELS.get(erasure.failed_step, erasure.failed_step),
        "certificate": getattr(erasure, "certificate", None)
        if erasure.status == ErasureRequest.Status.COMPLETED
        else None,
    }


@member_may("request_erasure")
def erasure_detail(request, uuid):
    erasure = get_object_or_404(
        erasures_for(member=request.member).select_related(
            "requested_by__user", "decided_by__user"
        ),
        uuid=uuid,
    )
    context = _erasure_context(request, erasure)
    if request.headers.get("X-Poll"):
        return render(request, "patients/lifecycle/_erasure_progress.html", context)
    context["form"] = DecisionForm()
    return render(request, "patients/lifecycle/erasure_detail.html", context)


def _decide(request, uuid, service, done_message):
    erasure = get_object_or_404(erasures_for(member=request.member), uuid=uuid)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        service(actor=request.member, erasure=erasure, reason=reason, request=request)
    except LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done_message)
    return redirect("patients:erasure", uuid=erasure.uuid)


def _approval_confirmation(request, uuid):
    """The confirm step: the patient by name, record number and date of birth (an
    approver must be sure whom they erase) and what will be destroyed, counted."""
    erasure = get_object_or_404(
        erasures_for(member=request.member).select_related("patient"), uuid=uuid
    )
    if erasure.status != ErasureRequest.Status.PENDING or erasure.patient is None:
        messages.error(request, _("This request is no longer waiting for a decision."))
        return redirect("patients:erasure", uuid=erasure.uuid)
    patient = erasure.patient
    # Compliance officers see no patient pages (DESIGN.md §6), but approving an
    # erasure needs the name: shown here only, and audited as a read of PHI (S26).
    record_view(
        action=Action.PATIENT_VIEWED,
        actor=request.member,
        request=request,
        page="erasure_approval",
        shown=["name", "record_number", "date_of_birth", "record_counts"],
        target=patient,
        patient=patient,
    )
    return render(
        request,
        "patients/lifecycle/approve_confirm.html",
        {
            "erasure": erasure,
            "patient": patient,
            "counts": erasure_preview(patient=patient),
            "form": DecisionForm(),
            "own_request": erasure.requested_by_id == request.member.pk,
            "action_url": request.path,
            "cancel_url": reverse("patients:erasure", kwargs={"uuid": erasure.uuid}),
        },
    )


@require_http_methods(["GET", "POST"])
@member_may("approve_erasure")
def erasure_approve(request, uuid):
    """GET asks for confirmation; POST approves and starts the erasure."""
    if request.method == "GET":
        return _approval_confirmation(request, uuid)
    return _decide(
        request,
        uuid,
        erasure_service.approve_erasure,
        _("Erasure approved: the record is blocked and the erasure is under way."),
    )


@require_POST
@member_may("approve_erasure")
def erasure_reject(request, uuid):
    return _decide(
        request, uuid, erasure_service.reject_erasure, _("Erasure request rejected.")
    )


@require_POST
@member_may("approve_erasure")
def erasure_retry(request, uuid):
    erasure = get_object_or_404(erasures_for(member=request.member), uuid=uuid)
    try:
        erasure_service.retry_erasure(
            actor=request.member, erasure=erasure, request=request
        )
    except LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Erasure sent again; it resumes where it stopped."))
    return redirect("patients:erasure", uuid=erasure.uuid)


@member_may("request_erasure")
def erasure_certificate(request, uuid):
    erasure = get_object_or_404(
        erasures_for(member=request.member).select_related("certificate"),
        uuid=uuid,
        status=ErasureRequest.Status.COMPLETED,
    )
    certificate = erasure.certificate
    pdf = certificate_pdf(certificate=certificate, practice=request.member.practice)
    record_event(
        action=Action.ERASURE_CERTIFICATE_DOWNLOADED,
        actor=request.member,
        request=request,
        target=certificate,
        patient=certificate.patient_uuid,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="erasure-certificate-{certificate.uuid}.pdf"'
    )
    return response


# --- export -----------------------------------------------------------------------


@require_POST
@member_may("view_patients")
def export_start(request, uuid):
    # Blocked patients are looked up too, so the refusal can say why (not a 404).
    patient = get_object_or_404(
        Patient.objects.filter(practice_id=request.member.practice_id), uuid=uuid
    )
    try:
        export = export_service.start_export(
            actor=request.member, patient=patient, request=request
        )
    except LifecycleError as exc:
        messages.error(request, str(exc))
        if patient.blocked_at is not None:
            return redirect("patients:list")
        return redirect(patient)
    return redirect("patients:export", uuid=export.uuid)


@member_may("view_patients")
def export_detail(request, uuid):
    export = get_object_or_404(exports_for(member=request.member), uuid=uuid)
    context = {
        "export": export,
        "ttl_hours": settings.EXPORT_TTL_HOURS,
        "may_download": export.requested_by_id == request.member.pk,
    }
    if request.headers.get("X-Poll"):
        return render(request, "patients/lifecycle/_export_progress.html", context)
    return render(request, "patients/lifecycle/export_detail.html", context)


@require_POST
@member_may("view_patients")
def export_download(request, uuid):
    export = get_object_or_404(
        exports_for(member=request.member).select_related("patient"), uuid=uuid
    )
    try:
        filename, archive = export_service.download_export(
            actor=request.member, export=export, request=request
        )
    except LifecycleError as exc:
        messages.error(request, str(exc))
        return redirect("patients:export", uuid=export.uuid)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
