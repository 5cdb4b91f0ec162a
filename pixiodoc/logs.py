"""Log formatting that keeps PHI out of tracebacks (S27, S37).

An exception's message may carry what a user typed (a name in a validation error,
a value in a failed lookup). Tracebacks keep their frames (file, line, function) and
the exception's type; the message is kept only for infrastructure errors, whose text
names hosts and ports, never patients.
"""

import logging
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
