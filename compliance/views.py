"""The compliance officer's desk (#16): documents that read every app, audited.

Owner and compliance officer only (view_audit). Each document made is an
event; a breach scope names the patients it lists by uuid in the event (S27).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from audit.actions import Action
from audit.services import record_event
from compliance.breach import scope_breach
from compliance.break_glass import break_glass_review
from compliance.forms import BreachScopeForm
from compliance.record import build_record, record_pdf
from patients.lifecycle.requests import overdue
from patients.lifecycle.selectors import subject_requests_for
from pixiodoc.accounts.breakglass import BreakGlassError, review_grant
from pixiodoc.accounts.decorators import member_may
from pixiodoc.accounts.selectors import break_glass_grants_for


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.pdf"'
    return response


@member_may("view_audit")
def desk(request):
    practice = request.member.practice
    open_requests = subject_requests_for(member=request.member).filter(status="open")
    grants = break_glass_review(member=request.member)
    # The break-glass list names records by record number (S40).
    record_event(
        action=Action.DESK_VIEWED,
        actor=request.member,
        request=request,
        details={"patients": sorted({str(g.grant.patient_uuid) for g in grants})},
    )
    return render(
        request,
        "compliance/desk.html",
        {
            "open_requests": open_requests.count(),
            "overdue_requests": overdue(practice=practice).count(),
            "breach_form": BreachScopeForm(member=request.member),
            "grants": grants,
        },
    )


@require_POST
@member_may("view_audit")
def break_glass_decide(request, uuid):
    grant = get_object_or_404(break_glass_grants_for(member=request.member), uuid=uuid)
    try:
        review_grant(
            actor=request.member,
            grant=grant,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
            request=request,
        )
    except BreakGlassError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Review recorded."))
    return redirect("compliance:desk")


@member_may("view_audit")
def processing_record(request):
    record = build_record(member=request.member)
    record_event(
        action=Action.PROCESSING_RECORD_EXPORTED,
        actor=request.member,
        request=request,
        details={"fingerprint": record.fingerprint},
    )
    return _pdf(record_pdf(record=record), "record-of-processing")


def _scoped(request):
    form = BreachScopeForm(request.GET or None, member=request.member)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    scope = scope_breach(
        member=request.member,
        start=data["start"],
        end=data["end"],
        aware_at=data["aware_at"],
        subject=data["subject"],
        link=data["link"],
    )
    return form, scope


def _described(scope) -> dict:
    return {
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "member": str(scope.member.uuid) if scope.member else "",
        "link": str(scope.link.uuid) if scope.link else "",
        "events": scope.events,
        "patients": scope.patient_uuids,
    }


def _breach_context(request, scope) -> dict:
    now = timezone.now()
    return {
        "scope": scope,
        "practice": request.member.practice,
        "made_by": request.member,
        "made_at": timezone.localtime(now),
        "hours_left": scope.hours_left(now),
        "notify_by": timezone.localtime(scope.notify_by),
        "officers": [
            m
            for m in request.member.practice.members.select_related("user")
            if m.role == "compliance" and m.is_active
        ],
        "time_zone": timezone.get_current_timezone_name(),
    }


@member_may("view_audit")
def breach(request):
    form, scope = _scoped(request)
    context = {"form": form, "query": request.GET.urlencode()}
    if scope is not None:
        record_event(
            action=Action.BREACH_SCOPED,
            actor=request.member,
            request=request,
            details=_described(scope),
        )
        context.update(_breach_context(request, scope))
    return render(
        request,
        "compliance/breach.html",
        context,
        status=400 if request.GET and scope is None else 200,
    )


@member_may("view_audit")
def breach_pdf(request):
    from weasyprint import HTML

    form, scope = _scoped(request)
    if scope is None:
        return render(
            request, "compliance/breach.html", {"form": form, "query": ""}, status=400
        )
    record_event(
        action=Action.BREACH_EXPORTED,
        actor=request.member,
        request=request,
        details=_described(scope),
    )
    html = render_to_string(
        "compliance/breach_report.html", _breach_context(request, scope)
    )
    return _pdf(HTML(string=html).write_pdf(), "breach-scope")
