import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from pixiodoc.accounts.decorators import member_required
from pixiodoc.blobs import BlobWriteError


@member_required
def home(request):
    if request.member.may("view_patients"):
        return redirect("patients:list")
    return render(request, "home.html")


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    # No context processors, no session, no database: any of them may be what failed
    # (S37). The page is static but for the request id that logs carry.
    if is_outage(sys.exc_info()[1]):
        return outage_response(request)
    return HttpResponseServerError(render_to_string("500.html", {"request": request}))


# The database, Redis (job queue, cache) or the blob store not answering: the request failed whole,
# so nothing it carried was half stored (issue 20).
OUTAGE_ERRORS = (
    BlobWriteError,
    OperationalError,
    InterfaceError,
    KombuOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
)
RETRY_AFTER_SECONDS = 30


def is_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OUTAGE_ERRORS)


def outage_response(request) -> HttpResponse:
    response = HttpResponse(
        render_to_string("503.html", {"request": request}), status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
