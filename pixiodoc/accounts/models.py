"""Users sign in by e-mail; a Member is a user's membership of one Practice, with one role."""

import uuid
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedTextField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        # Superusers are made only by `createsuperuser`, never through the site (issue 2).
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Django admin access; owners get it through their membership, not this flag.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Bumped to end every session of the user at once (S5): deactivation, a new
    # password, a new or reset second factor. Each session remembers the epoch
    # it started in; the session middleware signs out a session that is behind.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # Second-factor throttle (S6), in the database so neither a cache outage nor
    # another address resets it: consecutive failures, and a lock after too many.
    otp_failures = models.PositiveSmallIntegerField(default=0, editable=False)
    otp_locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self):
        return f"user {self.uuid}"

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


def default_language() -> str:
    return settings.LANGUAGE_CODE


def default_time_zone() -> str:
    return settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(
            _("“%(zone)s” is not a time zone. Use a name like Europe/Berlin."),
            params={"zone": value},
        )


class Practice(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    # Longest lifetime a share link of this practice may have (S22: never over 30).
    share_link_max_days = models.PositiveSmallIntegerField(
        _("longest share link, in days"), default=30
    )
    # Issue 18: staff without a language of their own see this one.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=default_language,
        help_text=_("The language of staff who have not chosen their own."),
    )
    # Every time staff see is shown in this zone (pixiodoc.languages).
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("For example Europe/Berlin. Staff see every time in this zone."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    share_link_max_days__gte=1, share_link_max_days__lte=30
                ),
                name="accounts_practice_share_link_max_days_range",
            )
        ]

    def __str__(self):
        return self.name


class Member(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        CLINICIAN = "clinician", _("Clinician")
        ASSISTANT = "assistant", _("Assistant")
        COMPLIANCE = "compliance", _("Compliance officer")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # Blank: the practice's language (issue 18).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "practice"], name="accounts_member_one_per_practice"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    role__in=["owner", "clinician", "assistant", "compliance"]
                ),
                name="accounts_member_role_valid",
            ),
        ]

    def __str__(self):
        return f"member {self.uuid} ({self.role})"

    @property
    def effective_language(self) -> str:
        return self.language or self.practice.language

    def may(self, action: str) -> bool:
        """The role's permission, or a break-glass grant in effect (#16)."""
        from pixiodoc.accounts.permissions import may_break_glass, role_may

        if not self.is_active:
            return False
        if role_may(self.role, action):
            return True
        return may_break_glass(self, action)


class Invitation(models.Model):
    """An owner's invitation to join their practice; the link is single-use and expires."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Member.Role.choices)
    # Only the SHA-256 of the link's token is kept: a database copy cannot join.
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        Member, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="accounts_invitation_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    role__in=["owner", "clinician", "assistant", "compliance"]
                ),
                name="accounts_invitation_role_valid",
            ),
        ]

    def __str__(self):
        return f"invitation {self.uuid} ({self.role})"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class BreakGlassGrant(models.Model):
    """A member's time-limited access to one patient's record their role refuses (#16).

    Given only with a stated reason, never for a patient being erased; flagged on
    every page while it runs, alerted to the compliance officers at once and
    reviewed by one of them afterwards. Names the patient by uuid only: accounts
    sits below patients (DESIGN.md §1).
    """

    class Review(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        QUESTIONED = "questioned", _("Questioned")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    patient_uuid = models.UUIDField()
    # Free text from the member: it may describe the emergency, so it is kept
    # encrypted and shown only on the review desk, never in events or mails.
    reason = EncryptedTextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    review = models.CharField(
        max_length=12, choices=Review.choices, default=Review.PENDING
    )
    reviewed_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["member", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")),
                name="accounts_breakglassgrant_expires_after_granted",
            ),
            models.CheckConstraint(
                condition=models.Q(review__in=["pending", "accepted", "questioned"]),
                name="accounts_breakglassgrant_review_valid",
            ),
        ]

    def __str__(self):
        return f"break-glass grant {self.uuid}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


# Second-factor devices live in their own module; imported here so Django finds them.
from pixiodoc.accounts.devices import (  # noqa: E402
    AuthenticatorDevice,
    BackupCode,
    BackupCodeDevice,
)

__all__ = [
    "AuthenticatorDevice",
    "BackupCode",
    "BreakGlassGrant",
    "BackupCodeDevice",
    "Invitation",
    "Member",
    "Practice",
    "User",
]
