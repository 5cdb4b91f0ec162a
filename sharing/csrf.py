"""CSRF protection for the recipient's forms, which are sent with no referrer (S10, S25).

Under `Referrer-Policy: no-referrer` browsers POST a form with `Origin: null`
and no Referer, which Django's origin and referer checks refuse. The pages
must keep no-referrer (the token is in the URL), so for these views only an
`Origin: null` is accepted and the missing Referer is not required; the CSRF
token itself (cookie and form field) is still checked, and a real foreign
origin is still refused.
"""

from functools import wraps

from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt


class _NoReferrerCsrf(CsrfViewMiddleware):
    def _origin_verified(self, request):
        if request.META.get("HTTP_ORIGIN") == "null":
            return True
        return super()._origin_verified(request)

    def _check_referer(self, request):
        # No Referer is ever sent under no-referrer; the token check still runs.
        return None


_checker = _NoReferrerCsrf(lambda request: None)


def recipient_csrf(view):
    @csrf_exempt
    @wraps(view)
    def checked(request, *args, **kwargs):
        refused = _checker.process_view(request, view, args, kwargs)
        if refused is not None:
            return refused
        return view(request, *args, **kwargs)

    return checked
