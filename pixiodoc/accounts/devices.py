"""Second-factor devices on django-otp's `Device` base (S2).

django-otp's own TOTP and static devices keep their secrets in plaintext, so
PixioDoc has two of its own:

- `AuthenticatorDevice`: TOTP (RFC 6238, 6 digits, 30 s) whose key is encrypted at
  rest with django-encrypted-model-fields. A code is accepted once: the device
  remembers the last time step it accepted and claims a newer one with a single
  conditional UPDATE, so two requests racing with the same code cannot both win.
- `BackupCodeDevice` with its `BackupCode` rows: ten one-time codes, stored only
  as keyed HMAC-SHA256 digests; each is spent by a conditional UPDATE too.

Both work with `django_otp.login()` and `OTPMiddleware` like any other device.
"""

import base64
import hmac
import secrets
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.oath import TOTP, hotp
from encrypted_model_fields.fields import EncryptedCharField

TOTP_STEP = 30
TOTP_DIGITS = 6
# Accept the code of the previous and the next step too: phones' clocks drift.
TOTP_TOLERANCE = 1

BACKUP_CODE_COUNT = 10
# No 0/O, 1/I/L: codes are read off paper.
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 10  # ~49 bits each


def random_key() -> str:
    return secrets.token_hex(20)


class AuthenticatorDevice(Device):
    """A TOTP authenticator app; the shared key is encrypted at rest."""

    key = EncryptedCharField(max_length=80, default=random_key)
    # The newest time step accepted so far (S2: a code is never accepted twice).
    last_t = models.BigIntegerField(default=-1)
    created_at = models.DateTimeField(default=timezone.now)

    # The parameters django-otp's TOTPDevice exposes, for code that computes codes.
    step = TOTP_STEP
    t0 = 0
    digits = TOTP_DIGITS

    class Meta:
        verbose_name = "authenticator app"

    def __str__(self):
        return f"authenticator {self.pk} of user {self.user_id}"

    @property
    def bin_key(self) -> bytes:
        return bytes.fromhex(self.key)

    @property
    def secret(self) -> str:
        """The base32 secret of the otpauth:// URI, for typing into an app by hand."""
        return base64.b32encode(self.bin_key).decode().rstrip("=")

    @property
    def config_url(self) -> str:
        issuer = getattr(settings, "OTP_TOTP_ISSUER", "PixioDoc")
        label = quote(f"{issuer}:{self.user.email}")
        query = urlencode(
            {
                "secret": self.secret,
                "issuer": issuer,
                "algorithm": "SHA1",
                "digits": TOTP_DIGITS,
                "period": TOTP_STEP,
            }
        )
        return f"otpauth://totp/{label}?{query}"

    def verify_token(self, token) -> bool:
        token = str(token).strip().replace(" ", "")
        if len(token) != TOTP_DIGITS or not token.isdigit():
            return False
        now_t = TOTP(self.bin_key, step=TOTP_STEP, digits=TOTP_DIGITS).t()
        for t in range(now_t - TOTP_TOLERANCE, now_t + TOTP_TOLERANCE + 1):
            expected = str(hotp(self.bin_key, t, digits=TOTP_DIGITS)).zfill(TOTP_DIGITS)
            if hmac.compare_digest(expected, token):
                # Claim the step; a replay (same or older step) changes no row.
                claimed = AuthenticatorDevice.objects.filter(
                    pk=self.pk, last_t__lt=t
                ).update(last_t=t)
                if claimed:
                    self.last_t = t
                return bool(claimed)
        return False


def backup_code_digest(code: str) -> str:
    """Keyed digest of a normalised backup code (a database copy alone cannot test guesses)."""
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return salted_hmac(
        "pixiodoc.accounts.backup-code", normalised, algorithm="sha256"
    ).hexdigest()


def new_backup_code() -> str:
    raw = "".join(
        secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH)
    )
    return f"{raw[:5]}-{raw[5:]}"


class BackupCodeDevice(Device):
    """One-time backup codes for a lost phone; only their digests are stored."""

    class Meta:
        verbose_name = "backup codes"

    def __str__(self):
        return f"backup codes {self.pk} of user {self.user_id}"

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()

    def verify_token(self, token) -> bool:
        token = str(token).strip()
        if not token or len(token) > 32:
            return False
        spent = BackupCode.objects.filter(
            device=self, digest=backup_code_digest(token), used_at__isnull=True
        ).update(used_at=timezone.now())
        return bool(spent)


class BackupCode(models.Model):
    device = models.ForeignKey(
        BackupCodeDevice, on_delete=models.CASCADE, related_name="codes"
    )
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["device", "digest"], name="accounts_backupcode_unique"
            )
        ]

    def __str__(self):
        return f"backup code {self.pk}"
