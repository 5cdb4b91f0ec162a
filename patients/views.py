"""Patient list and search, patient forms, the timeline, visit forms."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import record_event, record_view
from patients import timeline as timeline_sections
from patients.exceptions import PatientError
from patients.forms import PatientForm, SearchForm, VisitForm
from patients.selectors import (
    patients_for,
    search_patients,
    timeline_visits,
    visits_for,
)
from patients.services import create_patient, create_visit, update_patient, update_visit
from pixiodoc.accounts.decorators import member_may

PAGE_SIZE = 25
# What the patient and visit forms show (S40): kinds of PHI, never values.
PATIENT_SHOWN = ("name", "date_of_birth", "record_number", "contact", "notes")
VISIT_SHOWN = ("name", "visit_date", "visit_reason", "visit_notes")


@member_may("view_patients")
def patient_list(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    patients = (
        search_patients(member=request.member, query=query)
        if query
        else patients_for(member=request.member)
    )
    page = Paginator(patients.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The query itself is PHI and is never recorded; the patients shown are, by uuid.
    record_event(
        action=Action.PATIENT_SEARCHED if query else Action.PATIENT_LIST_VIEWED,
        actor=request.member,
        request=request,
        details={"patients": [str(p.uuid) for p in page], "page": page.number},
    )
    template = (
        "patients/_results.html"
        if request.headers.get("HX-Request")
        else "patients/list.html"
    )
    return render(request, template, {"form": form, "page": page, "query": query})


@member_may("edit_patients")
def patient_create(request):
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = create_patient(
                actor=request.member, request=request, **form.cleaned_data
            )
        except PatientError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Patient added."))
            return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form})


@member_may("edit_patients")
def patient_edit(request, uuid):
    patient = get_object_or_404(patients_for(member=request.member), uuid=uuid)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        fresh = get_object_or_404(patients_for(member=request.member), uuid=uuid)
        try:
            update_patient(
                actor=request.member,
                patient=fresh,
                request=request,
                **form.cleaned_data,
            )
        except PatientError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Patient details saved."))
            return redirect(fresh)
    record_view(
        action=Action.PATIENT_VIEWED,
        actor=request.member,
        request=request,
        page="patient_edit",
        shown=PATIENT_SHOWN,
        target=patient,
        patient=patient,
    )
    return render(
        request, "patients/patient_form.html", {"form": form, "patient": patient}
    )


@member_may("view_patients")
def patient_timeline(request, uuid):
    patient = get_object_or_404(patients_for(member=request.member), uuid=uuid)
    visits = list(timeline_visits(patient=patient))

    def context(section):
        return section.context(request.member, patient, visits, query=request.GET)

    patient_sections = [
        (section, context(section)) for section in timeline_sections.sections("patient")
    ]
    visit_sections = [
        (section, context(section)) for section in timeline_sections.sections("visit")
    ]
    end_sections = [
        (section, context(section)) for section in timeline_sections.sections("end")
    ]
    rows = [
        (visit, [(s, by_visit.get(visit.pk, {})) for s, by_visit in visit_sections])
        for visit in visits
    ]
    record_event(
        action=Action.TIMELINE_VIEWED,
        actor=request.member,
        request=request,
        target=patient,
        patient=patient,
        details={"visits": len(visits)},
    )
    return render(
        request,
        "patients/timeline.html",
        {
            "patient": patient,
            "rows": rows,
            "patient_sections": patient_sections,
            "end_sections": end_sections,
        },
    )


@member_may("edit_patients")
def visit_create(request, uuid):
    patient = get_object_or_404(patients_for(member=request.member), uuid=uuid)
    form = VisitForm(
        request.POST or None,
        practice=request.member.practice,
        initial={
            # Today in the practice's time zone: most visits are recorded the day
            # they happen (#12).
            "visit_on": timezone.localdate(),
            "clinician": request.member
            if request.member.role in ("owner", "clinician")
            else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            create_visit(
                actor=request.member,
                patient=patient,
                request=request,
                **form.cleaned_data,
            )
        except PatientError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Visit added."))
            return redirect(patient)
    record_view(
        action=Action.PATIENT_VIEWED,
        actor=request.member,
        request=request,
        page="visit_create",
        shown=("name",),
        target=patient,
        patient=patient,
    )
    return render(
        request, "patients/visit_form.html", {"form": form, "patient": patient}
    )


@member_may("edit_patients")
def visit_edit(request, uuid):
    visit = get_object_or_404(
        visits_for(member=request.member).select_related("patient"), uuid=uuid
    )
    form = VisitForm(
        request.POST or None, instance=visit, practice=request.member.practice
    )
    if request.method == "POST" and form.is_valid():
        fresh = get_object_or_404(visits_for(member=request.member), uuid=uuid)
        try:
            update_visit(
                actor=request.member, visit=fresh, request=request, **form.cleaned_data
            )
        except PatientError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Visit saved."))
            return redirect(visit.patient)
    record_view(
        action=Action.VISIT_VIEWED,
        actor=request.member,
        request=request,
        page="visit_edit",
        shown=VISIT_SHOWN,
        target=visit,
        patient=visit.patient,
    )
    return render(
        request,
        "patients/visit_form.html",
        {"form": form, "patient": visit.patient, "visit": visit},
    )
