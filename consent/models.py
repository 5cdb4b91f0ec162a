"""Consent: versioned templates, signed consents purpose by purpose, withdrawals, overrides.

A signed Consent and its answers are immutable (S30): a change of mind is a new
Consent or a Withdrawal, never an edit. The state of a purpose at any moment is
derived from these rows by `consent.checks.has_consent`.
"""

from uuid import uuid4

from django.core.exceptions import ValidationError
from django.db import models
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField

from consent.exceptions import ConsentImmutable


class Purpose(models.TextChoices):
    TREATMENT = "treatment", "Treatment documentation"
    SECOND_OPINION = "second_opinion", "Second-opinion sharing"
    TEACHING = "teaching", "Teaching"
    PUBLICATION = "publication", "Publication"


PURPOSE_CODES = tuple(Purpose.values)


def validate_purposes(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one purpose this form asks about.")
    unknown = [p for p in value if p not in PURPOSE_CODES]
    if unknown or len(set(value)) != len(value):
        raise ValidationError("Choose each purpose at most once, from the list.")


class ConsentSettings(models.Model):
    """Per-practice consent settings; the owner turns the emergency override on."""

    practice = models.OneToOneField(
        "accounts.Practice", on_delete=models.CASCADE, related_name="consent_settings"
    )
    emergency_override_enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "consent settings"

    def __str__(self):
        return f"consent settings of practice {self.practice_id}"


class ConsentTemplate(models.Model):
    """One version of a form. Versions of the same form share `family`; editing adds one."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.CASCADE, related_name="consent_templates"
    )
    family = models.UUIDField(default=uuid4, editable=False)
    version = models.PositiveIntegerField(default=1)
    # Only the newest version of a family is offered for signing.
    is_current = models.BooleanField(default=True)
    title = models.CharField(max_length=200)
    # Plain text with a tiny Markdown subset, always escaped (consent.markup).
    body = models.TextField()
    purposes = models.JSONField(validators=[validate_purposes])
    created_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "version"], name="consent_consenttemplate_version"
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=models.Q(is_current=True),
                name="consent_consenttemplate_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1),
                name="consent_consenttemplate_version_positive",
            ),
        ]

    def __str__(self):
        return f"consent template {self.uuid} v{self.version}"

    @property
    def purpose_choices(self) -> list[tuple[str, str]]:
        labels = dict(Purpose.choices)
        return [(p, labels[p]) for p in self.purposes]


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ConsentImmutable(
            "A signed consent cannot be changed. Record a new consent or a withdrawal."
        )

    update.queryset_only = True


class Consent(models.Model):
    """A patient's signed answer to one template version, purpose by purpose (S30)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="consents"
    )
    template = models.ForeignKey(
        ConsentTemplate, on_delete=models.PROTECT, related_name="consents"
    )
    signed_at = models.DateTimeField()
    # Who signed: the patient, or a representative (minor, lack of capacity).
    signed_by_representative = models.BooleanField(default=False)
    signer_name = EncryptedCharField(max_length=200)
    signer_relation = EncryptedCharField(max_length=100, blank=True)
    witness = models.ForeignKey(
        "accounts.Member", on_delete=models.PROTECT, related_name="+"
    )
    # Storage name of the encrypted PNG of the signature (pixiodoc.blobs).
    signature_blob = models.CharField(max_length=300)
    signature_sha256 = models.CharField(max_length=64)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["patient", "-signed_at"])]

    def __str__(self):
        return f"consent {self.uuid}"

    def save(self, *args, **kwargs):
        # S30: once signed, never edited. Inserting is the only write.
        if not self._state.adding:
            raise ConsentImmutable(
                "A signed consent cannot be changed. "
                "Record a new consent or a withdrawal."
            )
        super().save(*args, **kwargs)

    @property
    def granted(self) -> list[str]:
        return [a.purpose for a in self.answers.all() if a.granted]

    @property
    def refused(self) -> list[str]:
        return [a.purpose for a in self.answers.all() if not a.granted]


class ConsentAnswer(models.Model):
    consent = models.ForeignKey(
        Consent, on_delete=models.CASCADE, related_name="answers"
    )
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    granted = models.BooleanField()

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "purpose"], name="consent_consentanswer_once"
            ),
            models.CheckConstraint(
                condition=models.Q(purpose__in=PURPOSE_CODES),
                name="consent_consentanswer_purpose_valid",
            ),
        ]

    def __str__(self):
        return f"answer {self.purpose}={self.granted} of consent {self.consent_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ConsentImmutable(
                "A signed consent cannot be changed. "
                "Record a new consent or a withdrawal."
            )
        super().save(*args, **kwargs)


class ConsentDocument(models.Model):
    """The PDF copy of a consent, rendered after signing (retried until it exists)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed, retrying"

    consent = models.OneToOneField(
        Consent, on_delete=models.CASCADE, related_name="document"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    pdf_blob = models.CharField(max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    rendered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "ready", "failed"]),
                name="consent_consentdocument_status_valid",
            )
        ]

    def __str__(self):
        return f"document of consent {self.consent_id} ({self.status})"


class Withdrawal(models.Model):
    """A patient withdrew one purpose; effective from `effective_at` (at once)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="consent_withdrawals"
    )
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    # The consent whose grant this withdraws.
    consent = models.ForeignKey(
        Consent, on_delete=models.CASCADE, related_name="withdrawals"
    )
    withdrawn_on = models.DateField()
    effective_at = models.DateTimeField()
    reason = EncryptedTextField(blank=True)
    # A member recorded it, or the patient withdrew through their verified
    # patient link (issue 15): then only the link's uuid is kept (consent does
    # not name sharing, DESIGN.md §1).
    recorded_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    patient_link_uuid = models.UUIDField(null=True, blank=True, editable=False)
    # PHI-free descriptions returned by the withdrawal hooks (what was undone).
    effects = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_at", "-id"]
        indexes = [models.Index(fields=["patient", "purpose", "-effective_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=PURPOSE_CODES),
                name="consent_withdrawal_purpose_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(recorded_by__isnull=False)
                | models.Q(patient_link_uuid__isnull=False),
                name="consent_withdrawal_recorded_by_someone",
            ),
        ]

    def __str__(self):
        return f"withdrawal {self.uuid} of {self.purpose}"

    @property
    def by_patient(self) -> bool:
        return self.patient_link_uuid is not None


class ConsentOverride(models.Model):
    """An emergency override: a clinician captures before consent, with a stated reason.

    It lets capture go ahead for OVERRIDE_HOURS and stays flagged on the timeline
    until a consent answering `treatment` is recorded after it.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="consent_overrides"
    )
    member = models.ForeignKey(
        "accounts.Member", on_delete=models.PROTECT, related_name="+"
    )
    reason = EncryptedTextField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="consent_consentoverride_expires_after_created",
            )
        ]

    def __str__(self):
        return f"consent override {self.uuid}"
