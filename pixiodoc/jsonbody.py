"""Bounded JSON request bodies: a hostile body is a 400 with a message, never a 500.

`json.loads` recurses once per nesting level: ten thousand `[` raise
RecursionError (a 500), and a body of megabytes costs memory before any rule
looks at it. The size is checked before reading, the depth before parsing.
"""

import json
import re

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


class JsonBodyError(ValueError):
    """The body is not acceptable JSON; the message says what to send instead."""


def nesting_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects, brackets inside strings ignored."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b"", body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def parse_json_body(request, *, max_bytes: int, max_depth: int, empty=None):
    """The request's JSON body (`empty` if there is none), refused when larger or
    deeper than allowed."""
    too_big = JsonBodyError(
        gettext("Send at most %(size)s KB of JSON.") % {"size": max_bytes // 1024}
    )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > max_bytes:
        raise too_big
    try:
        body = request.body
    except RequestDataTooBig:
        raise too_big from None
    if len(body) > max_bytes:
        raise too_big
    if nesting_depth(body) > max_depth:
        raise JsonBodyError(
            gettext("Send JSON nested at most %(depth)s levels deep.")
            % {"depth": max_depth}
        )
    if not body:
        return empty
    try:
        return json.loads(body)
    except ValueError:
        raise JsonBodyError(gettext("Send the data as JSON.")) from None
