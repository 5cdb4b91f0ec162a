"""ShareLink, ShareAccess and the failure counter behind throttling (DESIGN.md §2, S21–S25)."""

import uuid
from datetime import timedelta

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import (
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedTextField,
)

# S22: no link outlives this, whatever a practice configures.
ABSOLUTE_MAX_DAYS = 30


class ShareLink(models.Model):
    class Reason(models.TextChoices):
        """Why a link does not open: for the audit and the sender, never the recipient."""

        UNKNOWN = "unknown", _("Unknown link")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        EXHAUSTED = "exhausted", _("Open limit reached")
        LOCKED = "locked", _("Locked after wrong passcodes")
        WRONG_PASSCODE = "wrong_passcode", _("Wrong passcode")
        NO_CONSENT = "no_consent", _("Second-opinion consent withdrawn")
        BLOCKED = "blocked", _("Patient erasure requested")
        NO_SESSION = "no_session", _("Session ended")
        NOT_SHARED = "not_shared", _("Photo not in this link")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="share_links"
    )
    created_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The recipient is a person too: kept encrypted like the patient's own fields.
    recipient_name = EncryptedCharField(max_length=150)
    recipient_email = EncryptedEmailField()
    message = EncryptedTextField(blank=True)
    # S21: the token itself is never stored, only its SHA-256.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Django password hash of the passcode; empty when the link has none.
    passcode_hash = models.CharField(max_length=200, blank=True, editable=False)
    # Bumped when the passcode changes or the link is revoked: recipient sessions
    # remember the generation they were granted under (S24).
    session_generation = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    open_limit = models.PositiveIntegerField(null=True, blank=True)
    opens = models.PositiveIntegerField(default=0, editable=False)
    last_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    failed_passcodes = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    allow_download = models.BooleanField(default=False)
    include_identity = models.BooleanField(default=False)
    photos = models.ManyToManyField("imaging.Photo", related_name="+")

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="sharing_sharelink_expires_after_created",
            ),
            # S22: the cap holds in the database too, whatever the code does.
            models.CheckConstraint(
                condition=Q(
                    expires_at__lte=F("created_at") + timedelta(days=ABSOLUTE_MAX_DAYS)
                ),
                name="sharing_sharelink_lifetime_at_most_30_days",
            ),
            models.CheckConstraint(
                condition=Q(open_limit__isnull=True) | Q(open_limit__gte=1),
                name="sharing_sharelink_open_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(open_limit__isnull=True) | Q(opens__lte=F("open_limit")),
                name="sharing_sharelink_opens_within_limit",
            ),
        ]
        indexes = [models.Index(fields=["practice", "-created_at"])]

    def __str__(self):
        return f"share link {self.uuid}"

    @property
    def has_passcode(self) -> bool:
        return bool(self.passcode_hash)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_exhausted(self) -> bool:
        return self.open_limit is not None and self.opens >= self.open_limit


class ShareAccess(models.Model):
    """One open of a link: a recipient session granted by it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    link = models.ForeignKey(
        ShareLink, on_delete=models.CASCADE, related_name="accesses"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("share-link open")
        verbose_name_plural = _("share-link opens")
        ordering = ["-opened_at"]

    def __str__(self):
        return f"share access {self.uuid}"


class ShareFailure(models.Model):
    """An unknown token or a wrong passcode, counted per address in the database.

    The database, not the cache, holds the count: a cache outage cannot reset it (S6).
    """

    class Kind(models.TextChoices):
        UNKNOWN_TOKEN = "unknown_token", _("Unknown token")
        WRONG_PASSCODE = "wrong_passcode", _("Wrong passcode")
        WRONG_IDENTITY = "wrong_identity", _("Wrong answer to a patient link's check")

    ip = models.GenericIPAddressField(null=True, blank=True)
    link = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["ip", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["unknown_token", "wrong_passcode", "wrong_identity"]
                ),
                name="sharing_sharefailure_kind_valid",
            )
        ]

    def __str__(self):
        return f"share failure {self.kind} at {self.at:%Y-%m-%d %H:%M}"


class PatientLink(models.Model):
    """A patient's own one-time link (issue 15): their consents, and/or follow-up photos.

    Like a ShareLink it is a capability: 256 random bits, only the hash kept
    (S21), an expiry of at most 30 days (S22), a limit on the sessions it
    starts, and a session generation that ends every session when bumped (S24).
    Nothing shows until the patient answers the identity check (sharing.patient_access).
    """

    class Reason(models.TextChoices):
        """Why a patient link does not open: for the audit, never the patient (S23)."""

        UNKNOWN = "unknown", _("Unknown link")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        EXHAUSTED = "exhausted", _("Session limit reached")
        LOCKED = "locked", _("Locked after wrong identity answers")
        WRONG_IDENTITY = "wrong_identity", _("Wrong identity answer")
        NO_TREATMENT_CONSENT = "no_treatment_consent", _("Treatment consent withdrawn")
        BLOCKED = "blocked", _("Patient erasure requested")
        NO_SESSION = "no_session", _("Identity not checked in this session")
        NOT_ASKED = "not_asked", _("Not part of this link's purpose")

    DEFAULT_DAYS = 7
    DEFAULT_SESSION_LIMIT = 5
    MAX_SESSION_LIMIT = 20
    MAX_PHOTOS = 20

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="patient_links"
    )
    created_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Purposes: at least one (constraint below).
    for_photos = models.BooleanField(default=False)
    for_consents = models.BooleanField(default=False)
    # What the practice asks for: body region keys (imaging.regions) and how many.
    regions = models.JSONField(default=list, blank=True)
    photos_asked = models.PositiveSmallIntegerField(null=True, blank=True)
    # Free text to the patient may describe their condition: encrypted like PHI.
    note = EncryptedTextField(blank=True)
    # Identity check: date of birth always; the surname's last three letters too
    # when the practice sets it for this link.
    ask_surname = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    session_generation = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    session_limit = models.PositiveSmallIntegerField(default=DEFAULT_SESSION_LIMIT)
    sessions = models.PositiveSmallIntegerField(default=0, editable=False)
    failed_checks = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("patient link")
        verbose_name_plural = _("patient links")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="sharing_patientlink_expires_after_created",
            ),
            models.CheckConstraint(
                condition=Q(
                    expires_at__lte=F("created_at") + timedelta(days=ABSOLUTE_MAX_DAYS)
                ),
                name="sharing_patientlink_lifetime_at_most_30_days",
            ),
            models.CheckConstraint(
                condition=Q(for_photos=True) | Q(for_consents=True),
                name="sharing_patientlink_has_a_purpose",
            ),
            models.CheckConstraint(
                condition=Q(session_limit__gte=1) & Q(sessions__lte=F("session_limit")),
                name="sharing_patientlink_sessions_within_limit",
            ),
        ]
        indexes = [models.Index(fields=["patient", "-created_at"])]

    def __str__(self):
        return f"patient link {self.uuid}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_exhausted(self) -> bool:
        return self.sessions >= self.session_limit

    @property
    def is_live(self) -> bool:
        return not (self.revoked_at or self.locked_at or self.is_expired)
