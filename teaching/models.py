"""De-identified derived images, teaching cases and their share links (issue 17).

A TeachingImage is a new image made from a Photo's pixels: cropped, faces and
marks covered, re-encoded without metadata, stored encrypted under the
patient's prefix (so erasure takes it) with a random name. It keeps a link to
the patient only so consent can be asked at every use and erasure cascades;
nothing in its pixels, blob names or exports names the patient.
"""

import uuid
from datetime import timedelta

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField

from imaging import regions

# S22's cap applies to teaching links too.
SHARE_MAX_DAYS = 30
RENDITIONS = ("display", "thumb")


class TeachingSettings(models.Model):
    """What a practice chooses for its teaching exports."""

    class Watermark(models.TextChoices):
        NONE = "none", _("No watermark")
        TEACHING_ONLY = "teaching_only", _("“Teaching use only”")

    practice = models.OneToOneField(
        "accounts.Practice", on_delete=models.CASCADE, related_name="+"
    )
    watermark = models.CharField(
        max_length=16, choices=Watermark.choices, default=Watermark.TEACHING_ONLY
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(watermark__in=["none", "teaching_only"]),
                name="teaching_teachingsettings_watermark_known",
            )
        ]

    def __str__(self):
        return f"teaching settings of practice {self.practice_id}"


class TeachingCase(models.Model):
    """Several teaching images shown together (before and after, say)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+"
    )
    # Free text typed by staff: encrypted, in case a name slips in.
    title = EncryptedCharField(max_length=200)
    created_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"teaching case {self.uuid}"


class TeachingImage(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+"
    )
    # Consent is asked of this patient at every use; erasure cascades.
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="+"
    )
    source_photo = models.ForeignKey(
        "imaging.Photo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case = models.ForeignKey(
        TeachingCase,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="images",
    )
    title = EncryptedCharField(max_length=200)
    body_region = models.CharField(max_length=32, choices=regions.CHOICES)
    diagnosis = EncryptedTextField(blank=True)
    # Comma-separated, lower-case; encrypted, so filtering runs in memory.
    tags = EncryptedCharField(max_length=300, blank=True)
    # Cleared for publication: needs publication consent, re-asked at every export.
    for_publication = models.BooleanField(default=False)
    display_blob = models.CharField(max_length=200)
    thumb_blob = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set by a teaching-consent withdrawal: hidden from then on, whatever a later
    # consent says, until a clinician deletes it (or the patient is erased).
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["practice", "withdrawn_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(body_region__in=[k for k, _ in regions.CHOICES]),
                name="teaching_teachingimage_body_region_known",
            )
        ]

    def __str__(self):
        return f"teaching image {self.uuid}"

    @property
    def region_label(self) -> str:
        return regions.label(self.body_region)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (self.tags or "").split(",") if t]

    def blob_name(self, rendition: str) -> str:
        if rendition not in RENDITIONS:
            raise ValueError(f"unknown rendition {rendition!r}")
        return getattr(self, f"{rendition}_blob")


class TeachingShareLink(models.Model):
    """A link to one teaching case, for someone without an account (S21, S22)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        TeachingCase, on_delete=models.CASCADE, related_name="share_links"
    )
    # The images shared, fixed when the link is made. A link whose image was
    # deleted or erased since (fewer rows than `image_count`) stays closed: it
    # never reopens on what is left of the case.
    images = models.ManyToManyField(TeachingImage, related_name="+")
    image_count = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # S21: only the SHA-256 of the token is stored.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="teaching_teachingsharelink_expires_after_created",
            ),
            models.CheckConstraint(
                condition=Q(
                    expires_at__lte=F("created_at") + timedelta(days=SHARE_MAX_DAYS)
                ),
                name="teaching_teachingsharelink_lifetime_at_most_30_days",
            ),
        ]

    def __str__(self):
        return f"teaching share link {self.uuid}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
