"""Passkeys (WebAuthn through django-otp-webauthn): a second factor beside TOTP and backup codes.

The library's helper runs the ceremonies (options, origin, RP ID, signature and
sign-counter checks); these services add PixioDoc's rules around them, as
two_factor.py does for codes:

- a passkey is only ever a second factor, after the password (S1): there is no
  passwordless sign-in and no page of the library is mounted;
- each ceremony's challenge is taken out of the stored session once, under the
  lock on the user's row, so an answer is accepted once even when two requests
  race with it; an authenticator's sign counter must move on too (S2);
- failures count toward the same lock as wrong codes (S6) and every outcome is
  audited (S26);
- a new or removed passkey ends the user's other sessions (S5).
"""

import json

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorAttachment,
    AuthenticatorSelectionCriteria,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from audit.actions import Action
from pixiodoc.accounts import two_factor as tfa
from pixiodoc.accounts.devices import AuthenticatorDevice
from pixiodoc.accounts.exceptions import AccountsError
from pixiodoc.accounts.models import User
from pixiodoc.accounts.sessions import end_all_sessions

ENROL_STATE = "pixiodoc_passkey_enrol"
SIGN_IN_STATE = "pixiodoc_passkey_sign_in"
PASSKEY_NAME = "Passkey"
# What a browser's answer may fail with: malformed JSON or structure, an unknown
# or another user's credential, a wrong challenge, origin, RP ID or signature.
REFUSALS = (WebAuthnException, OTPWebAuthnApiError, ValueError, TypeError, KeyError)


class PasskeyRefused(AccountsError):
    def __init__(self):
        super().__init__(
            gettext(
                "Your passkey was not accepted. Try it again, or enter a code from your "
                "authenticator app or a backup code."
            )
        )


class CeremonyExpired(AccountsError):
    def __init__(self):
        super().__init__("That passkey request has expired. Start again.")


class PasskeyHelper(WebAuthnHelper):
    """The library's ceremonies, asking for the device's own authenticator with
    face, fingerprint or screen lock (user verification required)."""

    def get_authenticator_attachment_preference(self) -> AuthenticatorAttachment:
        return AuthenticatorAttachment.PLATFORM

    def get_generate_registration_options_kwargs(self, *, user) -> dict:
        kwargs = super().get_generate_registration_options_kwargs(user=user)
        kwargs["authenticator_selection"] = AuthenticatorSelectionCriteria(
            authenticator_attachment=self.get_authenticator_attachment_preference(),
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        )
        return kwargs


def _helper(request) -> WebAuthnHelper:
    return WebAuthnCredential.get_webauthn_helper(request=request)


def passkeys_offered(*, request) -> bool:
    """Whether a passkey can work on the origin this page was served from.

    WebAuthn binds a passkey to the RP ID and checks the origin: elsewhere (a bare
    IP, another host name) only TOTP is offered.
    """
    origin = f"{request.scheme}://{request.get_host()}"
    return origin in settings.OTP_WEBAUTHN_ALLOWED_ORIGINS


def has_passkey(*, user: User) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def may_enrol(*, request, user: User) -> bool:
    """A passkey is added after the second factor, or as the first one at enrolment."""
    return request.user.is_verified() or not tfa.has_second_factor(user=user)


def enrolment_options(*, request, user: User) -> dict:
    """Creation options for the browser; the challenge waits in the session."""
    if not may_enrol(request=request, user=user):
        raise AccountsError(gettext("Verify with your current second factor first."))
    options, state = _helper(request).register_begin(user=user)
    request.session[ENROL_STATE] = state
    return options


def sign_in_options(*, request, user: User) -> dict:
    """Request options for the user's passkeys; the challenge waits in the session."""
    options, state = _helper(request).authenticate_begin(
        user=user, require_user_verification=True
    )
    request.session[SIGN_IN_STATE] = state
    return options


def _claim_state(request, key: str) -> dict | None:
    """The ceremony's state, taken out of the stored session once (S2).

    Read afresh from the session store: the caller holds the lock on the user's
    row, so a second request that loaded the session before this one saved it
    still finds the challenge gone.
    """
    stored = type(request.session)(request.session.session_key).get(key)
    request.session.pop(key, None)
    if stored is not None:
        request.session.save()  # now, not at the response: gone even if this fails
    return stored


def _answer(answer: str) -> dict:
    data = json.loads(answer or "")
    if not isinstance(data, dict):
        raise ValueError("not a credential")
    return data


def _throttled(*, user: User, request, state_key: str, attempt):
    """Run `attempt(state)` under the user's failure counter (see two_factor.py)."""
    if state_key not in request.session:
        raise CeremonyExpired()

    def claimed():
        state = _claim_state(request, state_key)
        return attempt(state) if state else None

    try:
        return tfa._throttled(user=user, request=request, attempt=claimed)
    except tfa.WrongCode:
        raise PasskeyRefused() from None


def verify_passkey(*, user: User, answer: str, request) -> WebAuthnCredential:
    """The user's passkey that signed this sign-in's challenge; raises otherwise."""

    def attempt(state):
        try:
            device = _helper(request).authenticate_complete(
                user=user, state=state, data=_answer(answer)
            )
        except REFUSALS:
            return None
        if not device.confirmed:
            return None
        tfa._user_event(
            user=user,
            request=request,
            action=Action.TWO_FACTOR_VERIFIED,
            details={"method": "passkey"},
        )
        return device

    return _throttled(
        user=user, request=request, state_key=SIGN_IN_STATE, attempt=attempt
    )


def enrol_passkey(
    *, user: User, answer: str, request
) -> tuple[WebAuthnCredential, list[str]]:
    """Register the passkey the browser created; returns it and, at a first
    enrolment, ten backup codes (else none: the existing ones stay).

    It replaces the user's earlier passkey (an authenticator app stays), and
    every other session of the user ends (S5); the caller keeps its own session
    with `keep_this_session`.
    """
    if not may_enrol(request=request, user=user):
        raise AccountsError(gettext("Verify with your current second factor first."))
    first = not tfa.has_second_factor(user=user)

    def attempt(state):
        try:
            device = _helper(request).register_complete(
                user=user, state=state, data=_answer(answer)
            )
        except REFUSALS:
            return None
        replaced = WebAuthnCredential.objects.filter(user=user).exclude(pk=device.pk)
        had_passkey = replaced.exists()
        replaced.delete()
        device.name = PASSKEY_NAME
        device.save(update_fields=["name"])
        # The app secret shown beside the passkey offer was not taken up.
        AuthenticatorDevice.objects.filter(user=user, confirmed=False).delete()
        codes = tfa._issue_backup_codes(user) if first else []
        end_all_sessions(user=user)
        tfa._user_event(
            user=user,
            request=request,
            action=Action.TWO_FACTOR_ENROLLED,
            details={"method": "passkey", "replaced": had_passkey},
        )
        return device, codes

    return _throttled(
        user=user, request=request, state_key=ENROL_STATE, attempt=attempt
    )


@transaction.atomic
def remove_passkey(*, user: User, request) -> None:
    """The member removes their passkey; their other sessions end (S5)."""
    if not AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists():
        raise AccountsError(
            gettext(
                "Set up an authenticator app first: without it you could not sign in."
            )
        )
    removed, _ = WebAuthnCredential.objects.filter(user=user).delete()
    if not removed:
        raise AccountsError(gettext("You have no passkey to remove."))
    end_all_sessions(user=user)
    tfa._user_event(
        user=user,
        request=request,
        action=Action.TWO_FACTOR_REMOVED,
        details={"method": "passkey"},
    )
