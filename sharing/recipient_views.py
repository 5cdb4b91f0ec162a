"""Public pages of a share link, /s/<token>/. No account; every request re-checks the link."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sharing import access
from sharing.csrf import recipient_csrf
from sharing.forms import PasscodeForm
from sharing.responses import recipient_view


@recipient_view
@recipient_csrf
@require_http_methods(["GET", "POST"])
def share_page(request, token):
    if request.method == "POST":
        passcode = str(request.POST.get("passcode", ""))
        # A wrong passcode raises LinkUnavailable: the neutral page, like every refusal.
        access.start_session(token=token, passcode=passcode, request=request)
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
    return {"link": link, "practice": link.practice, "patient": link.patient}
