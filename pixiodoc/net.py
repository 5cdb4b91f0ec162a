"""The client's address, trusting X-Forwarded-For only from the configured proxies (S6)."""

from django.conf import settings


def client_ip(request) -> str | None:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [p for p in forwarded if p]
        # Each trusted proxy appends one address; the client is the one before them.
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
