"""The tablet kiosk: while a patient fills in a consent, the session shows nothing else.

Staff start it from a patient's page; the session is then locked to the kiosk
pages until a member of staff re-enters their password or authenticator code
(to witness the signature, or to leave). Five wrong entries sign the session out.

The patient reads the form in a language of their choosing among those the form
version is worded in (issue 18); the kiosk pages then speak that language too,
whatever language the staff member works in.
"""

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django_otp import devices_for_user

from audit.actions import Action, Outcome
from audit.services import record_event
from consent.models import closest_language

SESSION_KEY = "consent_kiosk"
MAX_FAILURES = 5
ALLOWED_PREFIXES = ("/static/", "/jsi18n/")


def lock(request, *, patient, template) -> None:
    request.session[SESSION_KEY] = {
        "patient": str(patient.uuid),
        "template": str(template.uuid),
        "member": str(request.member.uuid),
        "failures": 0,
    }


def state(request) -> dict | None:
    return request.session.get(SESSION_KEY)


def unlock(request) -> None:
    request.session.pop(SESSION_KEY, None)


def chosen_language(request) -> str | None:
    """The language the patient chose for this kiosk, if they have chosen one."""
    kiosk = state(request)
    return kiosk.get("language") if kiosk else None


def choose_language(request, language: str) -> None:
    kiosk = state(request)
    if kiosk is not None:
        kiosk["language"] = language
        request.session[SESSION_KEY] = kiosk


def default_language(request, languages: list[str]) -> str:
    """Which of the form's languages to offer first: the practice's, else the
    browser's, else the site's, else the form's first."""
    wanted = (
        getattr(request.member.practice, "language", ""),
        translation.get_language_from_request(request),
        settings.LANGUAGE_CODE,
    )
    for code in wanted:
        found = closest_language(code, languages)
        if found:
            return found
    return languages[0]


def native_names(languages: list[str]) -> list[tuple[str, str]]:
    """Each language named in itself ("Français"), as a patient looks for it."""
    names = dict(settings.LANGUAGES)
    return [(code, names[code]) for code in languages]


def staff_confirms(request, secret: str) -> bool:
    """The signed-in member re-entered their password or a current TOTP code.

    After MAX_FAILURES wrong entries the session is signed out (the caller
    checks `request.user.is_authenticated` afterwards).
    """
    user = request.user
    secret = (secret or "").strip()
    ok = bool(secret) and user.check_password(secret)
    if not ok and secret.isdigit() and len(secret) in (6, 8):
        ok = any(
            device.verify_token(secret)
            for device in devices_for_user(user, confirmed=True)
        )
    kiosk = state(request)
    if ok:
        return True
    record_event(
        action=Action.SIGN_IN_FAILED,
        actor=request.member,
        request=request,
        outcome=Outcome.DENIED,
        details={"step": "consent_kiosk"},
    )
    if kiosk is not None:
        kiosk["failures"] = kiosk.get("failures", 0) + 1
        request.session[SESSION_KEY] = kiosk
        if kiosk["failures"] >= MAX_FAILURES:
            logout(request)
    return False


class KioskLockMiddleware:
    """While a kiosk is open in this session, every other page leads back to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            kiosk_root = reverse("consent:kiosk")
            path = request.path
            if not (path.startswith(kiosk_root) or path.startswith(ALLOWED_PREFIXES)):
                return redirect(kiosk_root)
        return self.get_response(request)
