"""Second-factor services: enrolment, verification with throttling, backup codes, reset.

Failures are counted on the user's row (S6): five wrong codes in a row pause
verification for 15 minutes, whatever the address or the state of the cache.
The count runs on until a right code: every further five double the pause, up
to a day (S42), so a patient guesser gains nothing by waiting out each lock.
Every outcome is audited.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_otp_webauthn.models import WebAuthnCredential

from audit.actions import Action, ActorType, Outcome
from audit.services import record_event
from pixiodoc.accounts.devices import (
    BACKUP_CODE_COUNT,
    AuthenticatorDevice,
    BackupCode,
    BackupCodeDevice,
    backup_code_digest,
    new_backup_code,
)
from pixiodoc.accounts.exceptions import AccountsError, SecondFactorLocked
from pixiodoc.accounts.models import Member, User
from pixiodoc.accounts.sessions import end_all_sessions

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
LONGEST_LOCK = timedelta(hours=24)


def lock_for(failures: int) -> timedelta | None:
    """The pause after this many wrong codes in a row: none, 15 min, 30 min, …"""
    if failures % MAX_FAILURES:
        return None
    doublings = min(failures // MAX_FAILURES - 1, 10)
    return min(LOCK_FOR * 2**doublings, LONGEST_LOCK)


class WrongCode(AccountsError):
    def __init__(self):
        super().__init__(
            gettext(
                "That code is not right. Enter the current 6-digit code from your "
                "app, or one of your backup codes."
            )
        )


def confirmed_authenticator(*, user: User) -> AuthenticatorDevice | None:
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(*, user: User) -> bool:
    return (
        AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def backup_codes_left(*, user: User) -> int:
    return BackupCode.objects.filter(
        device__user=user, device__confirmed=True, used_at__isnull=True
    ).count()


def pending_authenticator(*, user: User) -> AuthenticatorDevice:
    """The unconfirmed device being enrolled (created on first need, kept across retries)."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=False).first()
    return device or AuthenticatorDevice.objects.create(
        user=user, name="Authenticator app", confirmed=False
    )


def audit_practice(user: User):
    """The practice a sign-in event belongs to: the user's only one, else none (global)."""
    practices = list(
        Member.objects.filter(user=user, is_active=True).values_list(
            "practice", flat=True
        )[:2]
    )
    if len(practices) == 1:
        return Member.objects.get(user=user, practice_id=practices[0]).practice
    return None


def _user_event(*, user, request, action, outcome=Outcome.OK, reason="", details=None):
    record_event(
        action=action,
        request=request,
        practice=audit_practice(user),
        actor_type=ActorType.USER,
        actor_uuid=user.uuid,
        outcome=outcome,
        reason=reason,
        details=details,
    )


def _throttled(*, user: User, request, attempt, failed_action=Action.TWO_FACTOR_FAILED):
    """Run `attempt()` under the user's failure counter; it returns a result or None."""
    error: AccountsError
    with transaction.atomic():
        row = User.objects.select_for_update().get(pk=user.pk)
        now = timezone.now()
        if row.otp_locked_until and row.otp_locked_until > now:
            _user_event(
                user=user,
                request=request,
                action=failed_action,
                outcome=Outcome.DENIED,
                reason="locked after repeated failures",
            )
            error = SecondFactorLocked(row.otp_locked_until)
        else:
            result = attempt()
            if result is not None:
                User.objects.filter(pk=user.pk).update(
                    otp_failures=0, otp_locked_until=None
                )
                return result
            failures = row.otp_failures + 1
            pause = lock_for(failures)
            locked_until = now + pause if pause else None
            User.objects.filter(pk=user.pk).update(
                otp_failures=failures, otp_locked_until=locked_until
            )
            _user_event(
                user=user,
                request=request,
                action=failed_action,
                outcome=Outcome.FAILED,
                reason="wrong code",
                details={"failures": failures},
            )
            error = SecondFactorLocked(locked_until) if locked_until else WrongCode()
    # Raised after the block commits, so the count and the audit row are kept.
    raise error


def verify_second_factor(*, user: User, code: str, request):
    """The confirmed device that accepts `code` (TOTP, else a backup code); raises if none."""
    code = (code or "").strip()

    def attempt():
        for device in AuthenticatorDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(code):
                _user_event(
                    user=user, request=request, action=Action.TWO_FACTOR_VERIFIED
                )
                return device
        for device in BackupCodeDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(code):
                _user_event(
                    user=user,
                    request=request,
                    action=Action.BACKUP_CODE_USED,
                    details={"remaining": device.remaining()},
                )
                return device
        return None

    return _throttled(user=user, request=request, attempt=attempt)


def confirm_enrolment(*, user: User, device: AuthenticatorDevice, code: str, request):
    """Confirm a pending authenticator with its first code; returns fresh backup codes.

    The new device replaces any earlier one, and every other session of the user
    ends (S5); the caller keeps its own session with `keep_this_session`.
    """
    if device.user_id != user.pk or device.confirmed:
        raise AccountsError(
            gettext("Start the set-up again: this device is not waiting.")
        )

    def attempt():
        if not device.verify_token((code or "").strip()):
            return None
        replaced = AuthenticatorDevice.objects.filter(user=user).exclude(pk=device.pk)
        had_device = replaced.filter(confirmed=True).exists()
        replaced.delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _issue_backup_codes(user)
        end_all_sessions(user=user)
        _user_event(
            user=user,
            request=request,
            action=Action.TWO_FACTOR_ENROLLED,
            details={"replaced": had_device},
        )
        return codes

    return _throttled(user=user, request=request, attempt=attempt)


def _issue_backup_codes(user: User) -> list[str]:
    BackupCodeDevice.objects.filter(user=user).delete()
    device = BackupCodeDevice.objects.create(
        user=user, name="Backup codes", confirmed=True
    )
    codes = [new_backup_code() for _ in range(BACKUP_CODE_COUNT)]
    BackupCode.objects.bulk_create(
        BackupCode(device=device, digest=backup_code_digest(c)) for c in codes
    )
    return codes


@transaction.atomic
def renew_backup_codes(*, user: User, request) -> list[str]:
    """Ten new backup codes; the old ones stop working. Shown once, never stored."""
    codes = _issue_backup_codes(user)
    _user_event(
        user=user,
        request=request,
        action=Action.TWO_FACTOR_ENROLLED,
        details={"backup_codes_renewed": True},
    )
    return codes


@transaction.atomic
def reset_second_factor(*, actor: Member, member: Member, request=None) -> None:
    """An owner clears a member's devices: they enrol again at their next sign-in (S5)."""
    if member.practice_id != actor.practice_id or not actor.may("manage_practice"):
        raise AccountsError(
            gettext("Only an owner of this practice can reset a second factor.")
        )
    user = member.user
    AuthenticatorDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    BackupCodeDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(otp_failures=0, otp_locked_until=None)
    end_all_sessions(user=user)
    record_event(
        action=Action.TWO_FACTOR_RESET, actor=actor, request=request, target=member
    )
