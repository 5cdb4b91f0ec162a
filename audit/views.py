"""Compliance pages (DESIGN.md §6, §7): owner and compliance officer only.

Every page view is an AUDIT_VIEWED event and every export an AUDIT_EXPORTED
event, with the filter described by uuids and codes only (S27).
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from audit import exports
from audit.actions import Action
from audit.forms import EventFilterForm
from audit.lookups import labels_for
from audit.models import ChainVerification
from audit.readable import PATIENT_TYPE, readable_events
from audit.selectors import chain_status, events_for, filter_events, totals
from audit.services import record_event
from audit.verification import open_run, request_verification
from pixiodoc.accounts.decorators import member_may
from pixiodoc.accounts.models import Member

PAGE_SIZE = 50


def _filtered(request, preset: dict | None = None):
    """The bound filter form (a preset fixes the member or patient) and its events."""
    data = request.GET.copy()
    for key, value in (preset or {}).items():
        data[key] = value
    form = EventFilterForm(data, practice=request.member.practice)
    if not form.is_valid():
        return form, None
    return form, filter_events(events_for(member=request.member), **form.filters())


def _page(request, *, title, preset=None, subject=None):
    form, events = _filtered(request, preset)
    status = chain_status(practice=request.member.practice)
    run = open_run(request.member.practice)
    page, rows = None, []
    if events is not None:
        page = Paginator(events.select_related("member__user"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        rows = readable_events(page.object_list, practice=request.member.practice)
        record_event(
            action=Action.AUDIT_VIEWED,
            actor=request.member,
            request=request,
            details={
                "filters": form.described(),
                "page": page.number,
                # The page names these patients by record number (S40).
                "patients": sorted(
                    {str(r.event.patient_uuid) for r in rows if r.patient}
                ),
            },
        )
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in (preset or {}).items():
        query[key] = value
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "time_zone": timezone.get_current_timezone_name(),
            "status": status,
            "run": run,
            "title": title,
            "subject": subject,
            "preset": preset or {},
            "query": query.urlencode(),
            "labels": dict(Action.choices),
        },
        status=200 if events is not None else 400,
    )


@member_may("view_audit")
def event_list(request):
    return _page(request, title=_("Audit log"))


@member_may("view_audit")
def patient_events(request, uuid):
    """Who accessed this patient: the accounting of disclosures, by patient id.

    A patient this practice has no event about does not exist here (404, S8):
    every patient has at least its PATIENT_CREATED event, erased ones included.
    """
    if not events_for(member=request.member).filter(patient_uuid=uuid).exists():
        raise Http404
    label = labels_for(request.member.practice, {PATIENT_TYPE: {uuid}})
    return _page(
        request,
        title=_("Who accessed this patient"),
        preset={"patient": str(uuid)},
        subject=gettext("Patient with record number %(number)s")
        % {"number": label.get((PATIENT_TYPE, uuid)) or gettext("(no longer held)")},
    )


@member_may("view_audit")
def member_events(request, uuid):
    """What did this member do."""
    subject = get_object_or_404(
        Member.objects.filter(practice=request.member.practice).select_related("user"),
        uuid=uuid,
    )
    return _page(
        request,
        title=_("What this member did"),
        preset={"member": str(uuid)},
        subject=f"{subject.user.display_name} ({subject.get_role_display()})",
    )


def _export_refused(request, form):
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "page": None,
            "title": _("Audit log"),
            "query": "",
            "labels": {},
        },
        status=400,
    )


def _filename(request, extension: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return f"audit-{request.member.practice.slug}-{stamp}.{extension}"


@member_may("view_audit")
def export_csv(request):
    form, events = _filtered(request)
    if events is None:
        return _export_refused(request, form)
    status = chain_status(practice=request.member.practice)
    # The export is itself an event, recorded before the first row leaves.
    record_event(
        action=Action.AUDIT_EXPORTED,
        actor=request.member,
        request=request,
        details={"format": "csv", "filters": form.described()},
    )
    response = StreamingHttpResponse(
        exports.csv_lines(
            events,
            practice=request.member.practice,
            broken_event_id=status.broken_event_id if status else None,
        ),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(request, "csv")}"'
    )
    return response


@member_may("view_audit")
def export_pdf(request):
    form, events = _filtered(request)
    if events is None:
        return _export_refused(request, form)
    counts = totals(events)
    record_event(
        action=Action.AUDIT_EXPORTED,
        actor=request.member,
        request=request,
        details={
            "format": "pdf",
            "filters": form.described(),
            "events": counts["events"],
        },
    )
    pdf = exports.pdf_report(
        events=events,
        practice=request.member.practice,
        filters=form.shown(),
        totals=counts,
        status=chain_status(practice=request.member.practice),
        member=request.member,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(request, "pdf")}"'
    )
    return response


@require_POST
@member_may("view_audit")
def verify_now(request):
    """Queue the same check as verify_audit for this practice; the page shows progress."""
    request_verification(actor=request.member, request=request)
    return redirect("audit:list")


@member_may("view_audit")
def verification(request, uuid):
    """The progress fragment poll.js refreshes until the run is done."""
    run = get_object_or_404(
        ChainVerification.objects.filter(practice=request.member.practice), uuid=uuid
    )
    return render(request, "audit/_verification.html", {"run": run})
