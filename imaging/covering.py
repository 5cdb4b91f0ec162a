"""Thumbnail links that say "this view was already audited by the page that listed it".

A timeline records one PHOTO_VIEWED event naming every photo it shows (DESIGN
§7). Its thumbnail links carry a short-lived token, signed for that member,
photo and rendition, so the thumbnail requests do not each add an event. The
token waives nothing else: the request is still signed in, verified and scoped
(imaging.middleware checks the session and the member on every request).
"""

import time

from django.core import signing

SALT = "imaging.covered-view"
MAX_AGE = 15 * 60  # the idle session limit: a page older than this re-audits
# Tokens are dated to the start of a five-minute window, so the same member's
# token for a photo is the same string all through it: a timeline seen again
# within the window links the same thumbnail URLs and the browser's private
# cache answers them (imaging.middleware). A token therefore lives 10-15 minutes.
WINDOW = 5 * 60


class _WindowSigner(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) // WINDOW * WINDOW)


def cover_token(*, member, photo, rendition: str = "thumb") -> str:
    return _WindowSigner(salt=SALT).sign_object(
        [member.pk, str(photo.uuid), rendition], compress=False
    )


def read_cover_token(token: str | None) -> tuple[int, str, str] | None:
    """(member pk, photo uuid, rendition) of a genuine, unexpired token; else None."""
    if not token:
        return None
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], int)
        and all(isinstance(v, str) for v in value[1:])
    ):
        return None
    return value[0], value[1], value[2]


def is_covered(token: str | None, *, member, photo, rendition: str) -> bool:
    return read_cover_token(token) == (member.pk, str(photo.uuid), rendition)
