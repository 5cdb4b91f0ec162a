"""Cross-cutting request middleware: request ids for logs and audit, and no-store caching."""

import logging
import uuid
from contextvars import ContextVar
from functools import wraps

CACHE_CONTROL = "Cache-Control"
_request_id: ContextVar[str] = ContextVar("request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Give every request an id that logs and audit events carry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        token = _request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-Id"] = request.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        return True


def cacheable(max_age: int):
    """For a view whose answer never holds PHI nor depends on who asks (the
    JavaScript catalogue): NoStoreMiddleware lets it be cached for `max_age` s."""

    def decorate(view):
        @wraps(view)
        def cached(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                response[CACHE_CONTROL] = f"public, max-age={max_age}"
                response.cacheable = True
            return response

        return cached

    return decorate


class NoStoreMiddleware:
    """Pages are never kept by browsers or proxies: any page may show PHI.

    Static assets (served before this by whitenoise) keep their own caching, and
    so do views marked `@cacheable`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "cacheable", False):
            return response
        response[CACHE_CONTROL] = "no-store, private"
        response.setdefault("Pragma", "no-cache")
        return response
