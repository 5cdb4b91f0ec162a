"""Patient and Visit. Every PHI field is encrypted; search goes through IndexTerm (DESIGN.md §4)."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from encrypted_model_fields.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedEmailField,
    EncryptedTextField,
)


class Patient(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", pgettext_lazy("sex", "Other")
        UNKNOWN = "unknown", _("Not stated")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="patients"
    )
    given_name = EncryptedCharField(max_length=100)
    family_name = EncryptedCharField(max_length=100)
    date_of_birth = EncryptedDateField()
    sex = EncryptedCharField(max_length=16, choices=Sex.choices, default=Sex.UNKNOWN)
    record_number = EncryptedCharField(max_length=40)
    email = EncryptedEmailField(blank=True)
    phone = EncryptedCharField(max_length=40, blank=True)
    notes = EncryptedTextField(blank=True)
    # Keyed digest of the record number: uniqueness per practice without plaintext.
    record_number_digest = models.CharField(max_length=64, editable=False)
    # The patient's data key, wrapped by a key-encryption key (S17); erasure empties it.
    wrapped_data_key = models.BinaryField(null=True, editable=False)
    kek_version = models.PositiveIntegerField(default=1, editable=False)
    # Set when an erasure is requested: every use of the record stops at once.
    blocked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "record_number_digest"],
                name="patients_patient_record_number_unique",
            )
        ]

    def __str__(self):
        return f"patient {self.uuid}"

    def get_absolute_url(self):
        return reverse("patients:timeline", kwargs={"uuid": self.uuid})

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None


class IndexTerm(models.Model):
    """One blind-index digest of a patient (name token, record number or date of birth)."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="index_terms"
    )
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("search index term")
        verbose_name_plural = _("search index terms")
        constraints = [
            models.UniqueConstraint(
                fields=["digest", "patient"], name="patients_indexterm_unique"
            )
        ]

    def __str__(self):
        return f"index term of {self.patient_id}"


class Visit(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="visits"
    )
    # The date stays plaintext so the timeline can order by it; with names
    # encrypted it identifies no one.
    visit_on = models.DateField()
    clinician = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = EncryptedCharField(max_length=200, blank=True)
    notes = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visit_on", "-created_at"]
        indexes = [models.Index(fields=["patient", "-visit_on"])]

    def __str__(self):
        return f"visit {self.uuid}"


# The lifecycle models live in their own module; importing them here makes them
# part of the `patients` app (retention, erasure, export: DESIGN.md §8).
from patients.lifecycle.models import (  # noqa: E402, F401
    ErasureCertificate,
    ErasureRequest,
    LegalHold,
    PatientExport,
    RetentionPolicy,
    RetentionRun,
    SubjectRequest,
)
