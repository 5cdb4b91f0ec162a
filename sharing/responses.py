"""What every recipient response carries (S25), and the one neutral refusal (S23)."""

from functools import wraps

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string

from sharing.exceptions import AddressThrottled, LinkUnavailable

UNAVAILABLE_STATUS = 404
THROTTLED_STATUS = 429
# Share pages: never cached, never indexed, never announced to another site.
RECIPIENT_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow, noarchive, nosnippet",
    "Cache-Control": "no-store, private",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# Images: nothing runs, nothing loads, even if someone opens the URL directly (S15).
IMAGE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


def unavailable() -> HttpResponse:
    """The same status and the same bytes for every refusal (S23).

    Rendered without the request: no CSRF token, no CSP nonce, nothing that
    differs between an unknown, expired, revoked, exhausted or locked link
    and a wrong passcode.
    """
    return HttpResponse(
        render_to_string("sharing/unavailable.html"), status=UNAVAILABLE_STATUS
    )


def throttled() -> HttpResponse:
    response = HttpResponse(
        render_to_string("sharing/throttled.html"), status=THROTTLED_STATUS
    )
    response["Retry-After"] = "900"
    return response


def recipient_view(view):
    """Wrap a public view: refusals become the neutral page; S25 headers on everything."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except (LinkUnavailable, Http404):
            response = unavailable()
        except AddressThrottled:
            response = throttled()
        for name, value in RECIPIENT_HEADERS.items():
            response[name] = value
        return response

    # The link is the capability: a half-signed-in staff session changes nothing here.
    wrapped.second_factor_exempt = True
    return wrapped
