import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from audit.actions import Action
from audit.services import record_view
from consent.checks import capture_allowed
from patients.forms import SearchForm
from patients.selectors import recent_patients
from pixiodoc.accounts.decorators import member_required
from pixiodoc.blobs import BlobWriteError

# What the landing page shows of each recent patient (S40): kinds, never values.
HOME_SHOWN = ("name", "record_number", "date_of_birth")


@member_required
def home(request):
    """The landing page: recent patients, each one tap from the camera (issue 12).

    Roles that may not see patients (compliance, DESIGN §6) get the plain page.
    """
    member = request.member
    if not member.may("view_patients"):
        return render(request, "home.html")
    patients = recent_patients(member=member)
    rows = [(p, capture_allowed(p)) for p in patients]
    record_view(
        action=Action.PATIENT_LIST_VIEWED,
        actor=member,
        request=request,
        page="home",
        shown=HOME_SHOWN if patients else (),
        patients=[str(p.uuid) for p in patients],
    )
    return render(request, "home.html", {"recent": rows, "form": SearchForm()})


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
