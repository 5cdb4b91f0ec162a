"""Log formatting that keeps PHI out of tracebacks (S27, S37).

An exception's message may carry what a user typed (a name in a validation error,
a value in a failed lookup). Tracebacks keep their frames (file, line, function) and
the exception's type; the message is kept only for infrastructure errors, whose text
names hosts and ports, never patients. Capability tokens in paths are replaced
before a line is written, here and in gunicorn's access log (pixiodoc.accesslog).
"""

import logging
import re
import traceback

SAFE_MESSAGES = (
    "OperationalError",
    "InterfaceError",
    "ConnectionError",
    "ConnectionRefusedError",
    "TimeoutError",
    "ImproperlyConfigured",
)


def describe_exception(exc: BaseException) -> str:
    name = f"{type(exc).__module__}.{type(exc).__qualname__}"
    if type(exc).__name__ in SAFE_MESSAGES:
        return f"{name}: {exc}"
    return f"{name} (message withheld: it may hold PHI)"


class PhiSafeFormatter(logging.Formatter):
    def formatException(self, ei):  # noqa: N802 (logging's API)
        _, exc, tb = ei
        frames = "".join(traceback.format_tb(tb))
        lines = ["Traceback (most recent call last):\n", frames]
        cause = exc.__cause__ or exc.__context__
        if cause is not None:
            lines.insert(0, f"(caused by {describe_exception(cause)})\n")
        return "".join(lines) + describe_exception(exc)


# S39: a capability token in a URL is the key itself; the database keeps only its
# hash, so no log may keep it in clear. One rule per kind of link, each keeping the
# path's shape: share links and everything under them, invitations (but not an
# invitation's uuid on the staff pages) and password resets (but not the pages
# before and after). A token is a path segment: text up to the next `/`, `?`, space or quote.
_SEGMENT = r"[^/?#\s\"']+"
_UUID = r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}/"
_NOT_IN_A_WORD = r"(?<![^\s\"'(=:])"
CAPABILITY_PATHS = (
    (re.compile(rf"{_NOT_IN_A_WORD}/s/{_SEGMENT}"), "/s/[token]"),
    (re.compile(rf"{_NOT_IN_A_WORD}/p/{_SEGMENT}"), "/p/[token]"),  # patient links
    (re.compile(rf"{_NOT_IN_A_WORD}/t/{_SEGMENT}"), "/t/[token]"),  # teaching links
    (
        re.compile(rf"{_NOT_IN_A_WORD}/accounts/invitations/(?!{_UUID}){_SEGMENT}"),
        "/accounts/invitations/[token]",
    ),
    (
        re.compile(
            rf"{_NOT_IN_A_WORD}/accounts/password-reset/(?!(?:sent|done)/)"
            rf"{_SEGMENT}/{_SEGMENT}"
        ),
        "/accounts/password-reset/[uid]/[token]",
    ),
)
_QUERY = re.compile(r"\?[^\s\"']*")


def redact_path(text: str) -> str:
    """`text` (a path, a request line, a log message) with every capability token
    replaced by a placeholder (S39)."""
    for pattern, placeholder in CAPABILITY_PATHS:
        text = pattern.sub(placeholder, text)
    return text


class RedactCapabilityTokens(logging.Filter):
    """Rewrites a record's message without capability tokens (S39); for Django's
    request and server loggers, which print paths, and for any other line.

    The development server's request lines lose their query string too: a search
    (`?q=`) is PHI and a thumbnail's cover token (`?c=`) a capability.
    """

    def filter(self, record):
        message = record.getMessage()
        redacted = redact_path(message)
        if record.name == "django.server":
            redacted = _QUERY.sub("?[query]", redacted)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
