"""Thumbnail links that say "this view was already audited by the page that listed it".

A timeline records one PHOTO_VIEWED event naming every photo it shows (DESIGN
§7). Its thumbnail links carry a short-lived token, signed for that member,
photo and rendition, so the thumbnail requests do not each add an event. The
token waives nothing else: the request is still signed in, verified and scoped.
"""

from django.core import signing

SALT = "imaging.covered-view"
MAX_AGE = 15 * 60  # the idle session limit: a page older than this re-audits


def cover_token(*, member, photo, rendition: str = "thumb") -> str:
    return signing.dumps(
        [member.pk, str(photo.uuid), rendition], salt=SALT, compress=False
    )


def is_covered(token: str | None, *, member, photo, rendition: str) -> bool:
    if not token:
        return False
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    return value == [member.pk, str(photo.uuid), rendition]
