"""Members' pages for patient links: make one (shown once, with its QR code), revoke."""

import segno
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from audit.actions import Action
from audit.services import record_view
from pixiodoc.accounts.decorators import member_may
from sharing import patient_links
from sharing.exceptions import ShareLinkError
from sharing.forms import PatientLinkForm
from sharing.models import PatientLink


def qr_svg(url: str) -> str:
    """The link as an inline SVG QR code, made here: no external service sees it."""
    return segno.make(url, error="m").svg_inline(scale=5, border=2, title="QR code")


@member_may("patient_link")
def patient_link_create(request, uuid):
    from patients.selectors import patients_for

    patient = get_object_or_404(patients_for(member=request.member), uuid=uuid)
    form = PatientLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def url_of(token):
            return request.build_absolute_uri(
                reverse("sharing:patient_open", kwargs={"token": token})
            )

        try:
            link, token = patient_links.create_patient_link(
                actor=request.member,
                patient=patient,
                link_url=url_of,
                request=request,
                **data,
            )
        except ShareLinkError as exc:
            form.add_error(None, str(exc))
        else:
            # Rendered, not redirected: the token exists only in this response (S21).
            url = url_of(token)
            return render(
                request,
                "sharing/patient/created.html",
                {
                    "link": link,
                    "url": url,
                    "qr": mark_safe(qr_svg(url)),  # noqa: S308 - segno's own SVG
                    "patient": patient,
                },
            )
    # The form names the patient (S40).
    record_view(
        action=Action.PATIENT_VIEWED,
        actor=request.member,
        request=request,
        page="patient_link_create",
        shown=["name"],
        target=patient,
        patient=patient,
    )
    return render(
        request, "sharing/patient/create.html", {"form": form, "patient": patient}
    )


@require_POST
@member_may("patient_link")
def patient_link_revoke(request, uuid):
    link = get_object_or_404(
        PatientLink.objects.filter(practice_id=request.member.practice_id), uuid=uuid
    )
    patient_links.revoke_patient_link(actor=request.member, link=link, request=request)
    messages.success(request, gettext("The patient link is closed."))
    return redirect("patients:timeline", uuid=link.patient.uuid)
