"""Covered thumbnails, answered before the session stack (S15, S26, DESIGN §7).

A timeline or gallery records one PHOTO_VIEWED event listing the photos it
shows and links each thumbnail with a cover token (imaging.covering). Those
thumbnail requests are the bulk of imaging's traffic; through the full stack
each one loads and re-saves the session, loads the user, the 2FA device and the
member, then the photo: five reads and a committed write per small image.

Here a covered thumbnail costs one read and no write: one query for the photo
together with the token's member and the viewer's session row, decoded by the
session engine and never saved (loading a picture is not user activity). That
read of the session table is why this needs the database session engine (the
project's; with any other the middleware steps aside and the full stack serves
every thumbnail). The same rules hold as on the full path, checked on every
request, so revoking access works at once, not when the token expires:

- the session belongs to the token's member's user, finished its second factor
  (S1), is not idle, too old or from before a session-ending change (S4, S5:
  `sessions.session_problem`, the member middleware's own rules), and is not
  locked to the consent kiosk;
- the member and their user are active, their role may see patients, and the
  photo is a live photo of their practice (imaging.selectors).

Anything else, including a token for another member, photo or rendition, an
expired or tampered one, and an integrity failure, falls through to the full
stack, which answers it as if there were no token (sign-in, 404, placeholder)
or serves it with an audit event of its own.

What is served may be kept by the viewer's own browser for a few minutes
(`private`, never a shared cache) and revalidated with its ETag: a 304 comes
only after every check above (docs/imaging.md, "Caching a covered thumbnail").
"""

import hashlib
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponseNotModified
from django_otp import DEVICE_ID_SESSION_KEY

from consent import kiosk
from imaging import covering
from imaging.paths import rendition_path
from imaging.responses import image_response
from imaging.selectors import covered_thumbnail
from pixiodoc import blobs, crypto
from pixiodoc.accounts import sessions

COVERED_RENDITION = "thumb"
# Engines whose sessions live in the django_session table the selector joins.
DATABASE_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)


class CoveredThumbnailMiddleware:
    def __init__(self, get_response):
        if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
            raise MiddlewareNotUsed("covered thumbnails read the database sessions")
        self.get_response = get_response
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        response = self.covered_thumbnail(request)
        return response if response is not None else self.get_response(request)

    def covered_thumbnail(self, request):
        token = request.GET.get("c")
        if (
            not token
            or request.method != "GET"
            or not request.path_info.endswith(f"/{COVERED_RENDITION}/")
        ):
            return None
        cover = covering.read_cover_token(token)
        if cover is None or cover[2] != COVERED_RENDITION:
            return None
        photo_uuid = cover[1]
        # Compared, not resolved: no URL resolving per request.
        if request.path_info != rendition_path(photo_uuid, COVERED_RENDITION):
            return None  # a token for another photo covers nothing
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not session_key:
            return None
        photo = covered_thumbnail(
            member_pk=cover[0], photo_uuid=photo_uuid, session_key=session_key
        )
        if photo is None:
            return None
        session = self.session_store().decode(photo.session_data)
        if not _session_open(session) or session.get(USER_SESSION_KEY) != str(
            photo.viewer_user_id
        ):
            return None
        # session_problem also stamps the session as used; it is never saved here.
        viewer = SimpleNamespace(session_epoch=photo.viewer_epoch)
        if sessions.session_problem(session, viewer):
            return None
        etag = _etag(photo.thumb_blob)
        if request.headers.get("If-None-Match") == etag:
            return _cacheable(HttpResponseNotModified(), etag)
        try:
            body = blobs.read_blob(
                photo.patient,
                obj=photo.uuid,
                label=COVERED_RENDITION,
                name=photo.thumb_blob,
            )
        except (crypto.IntegrityError, OSError):
            return None  # the full path logs it, audits it, shows the placeholder
        return _cacheable(
            image_response(body, "image/jpeg", f"{photo.uuid}-{COVERED_RENDITION}.jpg"),
            etag,
        )


def _etag(blob_name: str) -> str:
    """Names the stored rendition (a new one gets a new random name), hashed so
    that the storage path is not shown."""
    return f'"{hashlib.sha256(blob_name.encode()).hexdigest()[:32]}"'


def _cacheable(response, etag: str):
    """A covered thumbnail may be kept by the viewer's own browser, never by a
    shared cache, for less than a token lives (WINDOW before MAX_AGE) and the idle
    session limit: its URL names one rendition and one member's cover token, so
    it never changes. Signing out clears the browser's cache (Clear-Site-Data).
    A departure from S15's `no-store` for this one response: docs/imaging.md."""
    response["Cache-Control"] = (
        f"private, max-age={covering.MAX_AGE - covering.WINDOW}, immutable"
    )
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    if "Pragma" in response:
        del response["Pragma"]
    return response


def _session_open(session) -> bool:
    """Signed in with both factors (S1) and not handed to a patient at the kiosk."""
    return (
        session.get(USER_SESSION_KEY) is not None
        and session.get(DEVICE_ID_SESSION_KEY) is not None
        and not session.get(kiosk.SESSION_KEY)
    )
