"""URLs for the error-page and CSP tests: the project's URLs plus two test views."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from pixiodoc.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401

PHI = "Philippa Quartermaine-Zuckerbrot DEMO-7777"


def explode(request):
    raise RuntimeError(f"could not save {PHI}")


def with_script(request):
    page = engines["django"].from_string(
        '<script src="/static/x.js" nonce="{{ request.csp_nonce }}"></script>'
    )
    return HttpResponse(page.render({}, request))


urlpatterns = [
    *urlpatterns,
    path("test-explode/", explode),
    path("test-script/", with_script),
]
