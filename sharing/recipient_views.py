"""Public pages of a share link, /s/<token>/. No account; every request re-checks the link."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from sharing import access, images
from sharing.csrf import recipient_csrf
from sharing.exceptions import WrongPasscode
from sharing.forms import PasscodeForm
from sharing.responses import IMAGE_CSP, recipient_view
from sharing.selectors import link_photos


@recipient_view
@recipient_csrf
@require_http_methods(["GET", "POST"])
def share_page(request, token):
    if request.method == "POST":
        passcode = str(request.POST.get("passcode", ""))
        try:
            access.start_session(token=token, passcode=passcode, request=request)
        except WrongPasscode as wrong:
            # S23: the form again with the tries left; the lock (the last try) and
            # every other refusal still raise LinkUnavailable: the neutral page.
            return render(
                request,
                "sharing/passcode.html",
                {
                    "form": PasscodeForm(),
                    "practice": wrong.link.practice,
                    "tries_left": wrong.tries_left,
                },
            )
        return redirect("sharing:open", token=token)
    link, grant = access.open_link(token=token, request=request)
    if grant is None:
        template = (
            "sharing/passcode.html" if link.has_passcode else "sharing/landing.html"
        )
        return render(
            request, template, {"form": PasscodeForm(), "practice": link.practice}
        )
    return render(request, "sharing/share.html", share_context(grant))


def share_context(grant: access.Grant) -> dict:
    link = grant.link
    return {
        "link": link,
        "practice": link.practice,
        "patient": link.patient,
        "photos": link_photos(link=link),
    }


@recipient_view
@require_GET
def share_photo(request, token, photo):
    return _image(request, token, photo, download=False)


@recipient_view
@require_GET
def share_download(request, token, photo):
    return _image(request, token, photo, download=True)


def _image(request, token, photo_uuid, *, download: bool) -> HttpResponse:
    grant = access.authorise(token=token, request=request)
    data = images.watermarked_copy(
        grant=grant, photo_uuid=photo_uuid, request=request, download=download
    )
    response = HttpResponse(data, content_type="image/jpeg")
    # S15: nothing runs or loads even if the image URL is opened directly.
    response["Content-Security-Policy"] = IMAGE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    if download:
        name = f"shared-photo-{str(photo_uuid)[:8]}.jpg"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
