"""The patient's own pages, /p/<token>/. No account; every request re-checks the link.

Wrapped like the share pages (sharing.responses.recipient_view): S25 headers
on everything, and every refusal (unknown, expired, locked, revoked, closed by
an erasure request or a withdrawn treatment consent) is the one neutral page
(S23). A wrong identity answer shows the same form again with one neutral line.
"""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.actions import Action
from consent.checks import purpose_states
from consent.documents import pdf_bytes
from consent.exceptions import ConsentError
from consent.models import Purpose
from consent.selectors import consent_history
from imaging.capture_views import SIDE_BUTTONS
from imaging.exceptions import ImagingError
from imaging.regions import label as region_label
from imaging.views import upload_key_of
from patients.exceptions import LifecycleError
from pixiodoc import blobs
from sharing import patient_access, patient_actions, patient_photos
from sharing.csrf import recipient_csrf
from sharing.exceptions import ShareLinkError
from sharing.forms import IdentityForm
from sharing.patient_access import WrongIdentity
from sharing.responses import IMAGE_CSP, recipient_view


def _identity_page(request, link, form, *, wrong=False):
    return render(
        request,
        "sharing/patient/identity.html",
        {"form": form, "practice": link.practice, "wrong": wrong},
    )


@recipient_view
@recipient_csrf
@require_http_methods(["GET", "POST"])
def patient_page(request, token):
    if request.method == "POST":
        link, _ = patient_access.open_link(token=token, request=request)
        form = IdentityForm(request.POST, ask_surname=link.ask_surname)
        form.is_valid()  # a field left empty is a wrong answer, counted alike
        answers = form.cleaned_data
        try:
            patient_access.check_identity(
                token=token,
                date_of_birth=answers.get("date_of_birth"),
                surname=answers.get("surname", ""),
                request=request,
            )
        except WrongIdentity:
            # S23: the same form, one neutral line; the lock (the fifth) and
            # every other refusal raise LinkUnavailable: the neutral page.
            form = IdentityForm(ask_surname=link.ask_surname)
            return _identity_page(request, link, form, wrong=True)
        return redirect("sharing:patient_open", token=token)
    link, grant = patient_access.open_link(token=token, request=request)
    if grant is None:
        return _identity_page(request, link, IdentityForm(ask_surname=link.ask_surname))
    states = purpose_states(link.patient) if link.for_consents else []
    shown = ["practice_note", "regions_asked"] if link.for_photos else []
    if link.for_consents:
        shown.append("consents")
    patient_access.record_link_event(
        action=Action.CONSENT_VIEWED if link.for_consents else Action.PATIENT_VIEWED,
        grant=grant,
        request=request,
        target=link.patient,
        details={"page": "patient_link_home", "shown": sorted(shown)},
    )
    return render(
        request,
        "sharing/patient/home.html",
        {
            "link": link,
            "token": token,
            "practice": link.practice,
            "states": states,
            "consents": consent_history(patient=link.patient)
            if link.for_consents
            else [],
            "regions": [region_label(r) for r in link.regions],
            "photos_left": patient_photos.photos_left(link) if link.for_photos else 0,
        },
    )


@recipient_view
@require_GET
def patient_consent_pdf(request, token, consent):
    grant = patient_access.authorise(token=token, request=request)
    signed = patient_actions.consent_of(
        grant=grant, consent_uuid=consent, request=request
    )
    try:
        data = pdf_bytes(signed)
    except ConsentError:
        messages.info(request, "The PDF is still being prepared. Try again shortly.")
        return redirect("sharing:patient_open", token=token)
    patient_access.record_link_event(
        action=Action.CONSENT_DOWNLOADED, grant=grant, request=request, target=signed
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = (
        f'attachment; filename="consent-{str(signed.uuid)[:8]}.pdf"'
    )
    return response


@recipient_view
@recipient_csrf
@require_http_methods(["GET", "POST"])
def patient_withdraw(request, token, purpose):
    """One confirmation: a GET shows what will change, the POST withdraws."""
    grant = patient_access.authorise(token=token, request=request)
    if purpose not in Purpose.values:
        patient_access.refuse(
            reason=patient_access.Reason.NOT_ASKED, link=grant.link, request=request
        )
    error = ""
    if request.method == "POST":
        try:
            patient_actions.withdraw_through_link(
                grant=grant, purpose=purpose, request=request
            )
        except ConsentError as exc:
            error = str(exc)
        else:
            if patient_access.closed_reason(grant.link):
                # Treatment withdrawn: the link itself closes; say so once.
                return render(
                    request,
                    "sharing/patient/done.html",
                    {"practice": grant.link.practice, "withdrawn": True},
                )
            messages.success(
                request, "Your consent is withdrawn. The practice has been told."
            )
            return redirect("sharing:patient_open", token=token)
    return render(
        request,
        "sharing/patient/withdraw.html",
        {
            "practice": grant.link.practice,
            "token": token,
            "purpose": Purpose(purpose),
            "error": error,
        },
    )


@recipient_view
@recipient_csrf
@require_http_methods(["GET", "POST"])
def patient_erasure(request, token):
    """Erasure (Art. 17) after one confirmation; the request closes this link."""
    grant = patient_access.authorise(token=token, request=request)
    error = ""
    if request.method == "POST":
        try:
            patient_actions.ask_for_erasure(grant=grant, request=request)
        except LifecycleError as exc:
            error = str(exc)
        else:
            return render(
                request,
                "sharing/patient/done.html",
                {"practice": grant.link.practice, "erasure": True},
            )
    return render(
        request,
        "sharing/patient/erasure.html",
        {"practice": grant.link.practice, "token": token, "error": error},
    )


@recipient_view
@recipient_csrf
@require_POST
def patient_data_copy(request, token):
    grant = patient_access.authorise(token=token, request=request)
    try:
        patient_actions.ask_for_data_copy(grant=grant, request=request)
    except ShareLinkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "The practice has your request for a copy of your data. The law "
            "gives them one month to answer.",
        )
    return redirect("sharing:patient_open", token=token)


def _photo_link(request, token):
    grant = patient_access.authorise(token=token, request=request)
    if not grant.link.for_photos:
        patient_access.refuse(
            reason=patient_access.Reason.NOT_ASKED, link=grant.link, request=request
        )
    return grant


@recipient_view
@require_GET
def patient_capture(request, token):
    """The camera at home: the asked regions only, the practice's last photo as ghost."""
    grant = _photo_link(request, token)
    link = grant.link
    left = patient_photos.photos_left(link)
    if not left:
        messages.info(request, gettext("The practice has every photo it asked for."))
        return redirect("sharing:patient_open", token=token)
    ghosts = patient_photos.ghosts(link)
    patient_access.record_link_event(
        action=Action.PATIENT_VIEWED,
        grant=grant,
        request=request,
        target=link.patient,
        details={
            "page": "patient_link_capture",
            "shown": ["regions_asked"],
            "ghosts": [str(p.uuid) for p in ghosts.values()],
        },
    )
    return render(
        request,
        "sharing/patient/capture.html",
        {
            "token": token,
            "practice": link.practice,
            "left": left,
            "regions": patient_photos.asked_regions(link),
            "sides": SIDE_BUTTONS,
            "ghosts": {
                key: reverse(
                    "sharing:patient_ghost", kwargs={"token": token, "photo": p.uuid}
                )
                for key, p in ghosts.items()
            },
        },
    )


@recipient_view
@require_GET
def patient_ghost(request, token, photo):
    grant = _photo_link(request, token)
    body = patient_photos.watermarked_ghost(
        grant=grant, photo_uuid=photo, request=request
    )
    response = HttpResponse(body, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = IMAGE_CSP
    return response


@recipient_view
@recipient_csrf
@require_POST
def patient_upload(request, token):
    """One photo from the patient's camera: a JSON verdict the camera page shows."""
    grant = _photo_link(request, token)
    upload = request.FILES.get("photo")
    if upload is None:
        return JsonResponse(
            {"error": gettext("Take a photo first."), "results": []}, status=400
        )
    name = upload.name or "photo"
    try:
        received = patient_photos.send_photo(
            grant=grant,
            data=upload.read(),
            body_region=request.POST.get("body_region", ""),
            laterality=request.POST.get("laterality", ""),
            upload_key=upload_key_of(request),
            oversize=getattr(upload, "oversize", False),
            app_url=request.build_absolute_uri("/"),
            request=request,
        )
    except (ShareLinkError, ImagingError) as refused:
        verdict = {"name": name, "stored": False, "message": str(refused)}
        return JsonResponse({"results": [verdict]}, status=422)
    except blobs.BlobWriteError:
        message = gettext(
            "The photo was not stored (the practice's photo store did not accept "
            "it). Nothing of it was kept. Try again."
        )
        return JsonResponse(
            {"results": [{"name": name, "stored": False, "message": message}]},
            status=503,
        )
    message = " ".join((gettext("Sent to the practice."), *received.processing_notes))
    return JsonResponse(
        {
            "results": [
                {
                    "name": name,
                    "stored": True,
                    "message": message,
                    "photo": str(received.uuid),
                }
            ]
        }
    )
