"""The sender's pages: the "Shared links" list, one link with its access history, actions."""

from datetime import datetime, time

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from audit.actions import Action
from audit.services import record_event, record_view
from imaging.services import record_photos_shown
from pixiodoc.accounts.decorators import member_may
from sharing import selectors, services
from sharing.exceptions import ShareLinkError
from sharing.forms import ExtendForm, ShareLinkForm
from sharing.status import status_of


@member_may("create_share")
def link_create(request, uuid):
    """Share some of a patient's photos; the link and passcode are shown once, here."""
    from patients.selectors import patients_for

    patient = get_object_or_404(patients_for(member=request.member), uuid=uuid)
    photos = selectors.shareable_photos(member=request.member, patient=patient)
    max_days = services.max_days_for(request.member.practice)
    form = ShareLinkForm(request.POST or None, photos=photos, max_days=max_days)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link, token, passcode = services.create_share_link(
                actor=request.member,
                patient=patient,
                photos=data["selected_photos"],
                recipient_name=data["recipient_name"],
                recipient_email=data["recipient_email"],
                message=data["message"],
                days=data["days"],
                with_passcode=data["with_passcode"],
                open_limit=data["open_limit"],
                allow_download=data["allow_download"],
                include_identity=data["include_identity"],
                link_url=lambda token: request.build_absolute_uri(
                    reverse("sharing:open", kwargs={"token": token})
                ),
                request=request,
            )
        except ShareLinkError as exc:
            form.add_error(None, str(exc))
        else:
            # Rendered, not redirected: the token and passcode exist only in this
            # response (S21); the page is never cached (no-store).
            return render(
                request,
                "sharing/created.html",
                {
                    "link": link,
                    "url": request.build_absolute_uri(
                        reverse("sharing:open", kwargs={"token": token})
                    ),
                    "passcode": passcode,
                    "patient": patient,
                },
            )
    for photo in form.photo_rows:
        photo.thumb_url = photo.url("thumb")
    # The form names the patient and lists the photos that may be shared (S40).
    record_photos_shown(
        actor=request.member,
        patient=patient,
        photos=form.photo_rows,
        page="share_create",
        rendition="none",
        request=request,
    )
    return render(
        request,
        "sharing/create.html",
        {"form": form, "patient": patient, "photos": form.photo_rows},
    )


@member_may("revoke_share")
def link_list(request):
    links = list(selectors.share_links_for(member=request.member)[:200])
    rows = [(link, status_of(link)) for link in links]
    # The list shows patients' names (to those who may see them): a read of PHI (S26).
    record_event(
        action=Action.SHARE_LINKS_VIEWED,
        actor=request.member,
        request=request,
        details={
            "links": [str(link.uuid) for link in links],
            "patients": sorted({str(link.patient.uuid) for link in links}),
        },
    )
    return render(
        request,
        "sharing/link_list.html",
        {
            "active": [(link, s) for link, s in rows if s.is_open],
            "past": [(link, s) for link, s in rows if not s.is_open],
        },
    )


@member_may("revoke_share")
def link_detail(request, uuid, extend_form=None, passcode=None):
    link = get_object_or_404(
        selectors.share_links_for(member=request.member), uuid=uuid
    )
    record_event(
        action=Action.SHARE_LINKS_VIEWED,
        actor=request.member,
        request=request,
        target=link,
        patient=link.patient.uuid,
    )
    return render(
        request,
        "sharing/link_detail.html",
        {
            "link": link,
            "status": status_of(link),
            "history": selectors.link_history(link=link),
            "photos": selectors.link_photos(link=link),
            "extend_form": extend_form
            or ExtendForm(initial={"expires_on": timezone.localdate(link.expires_at)}),
            "max_expiry": services.latest_expiry(link=link),
            "passcode": passcode,
        },
    )


@require_http_methods(["GET", "POST"])
@member_may("revoke_share")
def link_revoke(request, uuid):
    """GET asks for confirmation (the link's patient and what revoking does); POST revokes."""
    link = get_object_or_404(
        selectors.share_links_for(member=request.member), uuid=uuid
    )
    if request.method == "GET":
        may_see_patient = request.member.may("view_patients")
        # The confirmation names the patient to those who may see patients (S40).
        identity = ["name", "record_number", "date_of_birth"] if may_see_patient else []
        record_view(
            action=Action.SHARE_LINKS_VIEWED,
            actor=request.member,
            request=request,
            page="revoke_share",
            shown=["recipient", *identity],
            target=link,
            patient=link.patient.uuid,
        )
        return render(
            request,
            "sharing/revoke_confirm.html",
            {
                "link": link,
                "status": status_of(link),
                "patient": link.patient if may_see_patient else None,
                "action_url": request.path,
                "cancel_url": reverse("sharing:detail", kwargs={"uuid": link.uuid}),
            },
        )
    try:
        services.revoke_share_link(actor=request.member, link=link, request=request)
    except ShareLinkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Link revoked. Nobody can open it any more."))
    return redirect("sharing:detail", uuid=link.uuid)


@require_POST
@member_may("create_share")
def link_extend(request, uuid):
    link = get_object_or_404(
        selectors.share_links_for(member=request.member), uuid=uuid
    )
    form = ExtendForm(request.POST)
    if form.is_valid():
        chosen = form.cleaned_data["expires_on"]
        latest = services.latest_expiry(link=link)
        # The last allowed day ends at the maximum itself; a later day is refused
        # by the service, with its message.
        expires_at = (
            latest
            if chosen == timezone.localdate(latest)
            else timezone.make_aware(datetime.combine(chosen, time(23, 59, 59)))
        )
        try:
            services.extend_share_link(
                actor=request.member, link=link, expires_at=expires_at, request=request
            )
        except ShareLinkError as exc:
            form.add_error("expires_on", str(exc))
        else:
            messages.success(request, gettext("Expiry changed."))
            return redirect("sharing:detail", uuid=link.uuid)
    return link_detail(request, uuid=link.uuid, extend_form=form)


@require_POST
@member_may("create_share")
def link_new_passcode(request, uuid):
    link = get_object_or_404(
        selectors.share_links_for(member=request.member), uuid=uuid
    )
    try:
        link, passcode = services.change_passcode(
            actor=request.member, link=link, request=request
        )
    except ShareLinkError as exc:
        messages.error(request, str(exc))
        return redirect("sharing:detail", uuid=link.uuid)
    # Shown once, in this response only; the database keeps its hash.
    return link_detail(request, uuid=link.uuid, passcode=passcode)
