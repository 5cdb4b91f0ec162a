"""Photo (one clinical image) and its annotation layer (DESIGN.md §2, §4).

Pixels never live in the database: each rendition is an encrypted blob under
the patient's storage prefix, named on the row. Notes, tags, deletion reasons
and annotation vectors are encrypted fields (they may carry clinical text).
"""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField

from imaging import regions

RENDITIONS = ("thumb", "display", "original")


class Photo(models.Model):
    class Source(models.TextChoices):
        CAMERA = "camera", _("Camera")
        UPLOAD = "upload", pgettext_lazy("photo source", "Upload")
        IMPORT = "import", pgettext_lazy("photo source", "Import")
        DEMO = "demo", _("Demo")
        # Taken by the patient at home through their link, accepted from the tray.
        PATIENT = "patient", _("Taken by the patient")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="photos"
    )
    visit = models.ForeignKey(
        "patients.Visit", on_delete=models.CASCADE, related_name="photos"
    )
    body_region = models.CharField(max_length=32, choices=regions.CHOICES)
    laterality = models.CharField(
        max_length=8, choices=regions.SIDE_CHOICES, blank=True, default=""
    )
    # Comma-separated, lower-case; encrypted, so filtering happens per patient.
    tags = EncryptedCharField(max_length=300, blank=True)
    note = EncryptedTextField(blank=True)
    source = models.CharField(
        max_length=8, choices=Source.choices, default=Source.UPLOAD
    )
    # SHA-256 of the bytes as received: the capture fingerprint.
    sha256 = models.CharField(max_length=64)
    byte_size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Storage names of the encrypted renditions (pixiodoc.blobs).
    thumb_blob = models.CharField(max_length=200)
    display_blob = models.CharField(max_length=200)
    original_blob = models.CharField(max_length=200)
    # When the image says it was taken (EXIF, read before stripping); may be absent.
    captured_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The page's idempotency key for this upload: a retry after a lost answer
    # gets this photo again instead of a duplicate (issue 20). Random, no PHI.
    upload_key = models.CharField(max_length=80, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # Deletion hides the photo at once; the jobs purge its blobs after a grace period.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deletion_reason = EncryptedTextField(blank=True)
    # Marked for teaching or publication (needs that consent; a withdrawal unmarks).
    marked_teaching_at = models.DateTimeField(null=True, blank=True)
    marked_publication_at = models.DateTimeField(null=True, blank=True)
    # Set by the jobs once every blob of a deleted photo is gone.
    purged_at = models.DateTimeField(null=True, blank=True)

    # Not stored: what cleaning left out or ignored on this upload (pictures
    # beside the primary one, an implausible capture date), for its verdict.
    processing_notes: tuple[str, ...] = ()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["patient", "body_region"]),
            models.Index(fields=["deleted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(body_region__in=[k for k, _ in regions.CHOICES]),
                name="imaging_photo_body_region_known",
            ),
            models.CheckConstraint(
                condition=models.Q(laterality__in=[k for k, _ in regions.SIDE_CHOICES]),
                name="imaging_photo_laterality_known",
            ),
            models.UniqueConstraint(
                fields=["uploaded_by", "upload_key"],
                condition=~models.Q(upload_key=""),
                name="imaging_photo_one_per_upload_key",
            ),
        ]

    def __str__(self):
        return f"photo {self.uuid}"

    def get_absolute_url(self):
        return reverse("imaging:viewer", kwargs={"uuid": self.uuid})

    def blob_name(self, rendition: str) -> str:
        if rendition not in RENDITIONS:
            raise ValueError(f"unknown rendition {rendition!r}")
        return getattr(self, f"{rendition}_blob")

    def blob_names(self) -> list[str]:
        return [self.blob_name(r) for r in RENDITIONS if self.blob_name(r)]

    def url(self, rendition: str = "display") -> str:
        return reverse(
            "imaging:rendition", kwargs={"uuid": self.uuid, "rendition": rendition}
        )

    @property
    def display_url(self) -> str:
        return self.url("display")

    @property
    def original_url(self) -> str:
        return self.url("original")

    @property
    def region_label(self) -> str:
        return regions.label(self.body_region)

    @property
    def side_label(self) -> str:
        """The side in words, never blank: an unstated side is a wrong-site risk."""
        return regions.side_label(self.laterality)

    @property
    def site_label(self) -> str:
        """Region and side together, as every caption shows them ("Knee, left")."""
        return regions.site_label(self.body_region, self.laterality)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (self.tags or "").split(",") if t]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Annotation(models.Model):
    """Vector marks over one photo (arrows, circles, text); the pixels never change.

    `shapes` is encrypted JSON: a list of {"kind": "arrow"|"circle"|"text", ...}
    in coordinates relative to the image (0..1), so they fit every rendition.
    """

    photo = models.OneToOneField(
        Photo, on_delete=models.CASCADE, related_name="annotation"
    )
    shapes = EncryptedTextField(default="[]")
    updated_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")

    def __str__(self):
        return f"annotation of photo {self.photo_id}"


class TrayPhoto(models.Model):
    """A photo the patient took at home through their link (issue 15).

    It waits in the timeline's "From the patient" tray, on no visit, until a
    member accepts it onto a visit (it becomes a Photo with the same uuid) or
    rejects it. Its renditions are encrypted under a key of its own, stored
    only sealed by the patient's data key: rejecting destroys that key and the
    blobs, so no copy (a backup included) can ever be read again. The link is
    named by uuid: imaging does not know sharing.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="tray_photos"
    )
    link_uuid = models.UUIDField(db_index=True)
    body_region = models.CharField(max_length=32, choices=regions.CHOICES)
    laterality = models.CharField(
        max_length=8, choices=regions.SIDE_CHOICES, blank=True, default=""
    )
    sha256 = models.CharField(max_length=64)
    byte_size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # The photo's own key, sealed by the patient's data key; None once destroyed.
    sealed_key = models.BinaryField(null=True, editable=False)
    # Cleared once the photo leaves the tray (accepted: the Photo owns new blobs).
    thumb_blob = models.CharField(max_length=200, blank=True)
    display_blob = models.CharField(max_length=200, blank=True)
    original_blob = models.CharField(max_length=200, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    # The patient page's idempotency key: a retry stores no second copy.
    upload_key = models.CharField(max_length=80, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo = models.OneToOneField(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Not stored: what cleaning left out on this upload, for its verdict.
    processing_notes: tuple[str, ...] = ()

    class Meta:
        verbose_name = _("photo from the patient")
        verbose_name_plural = _("photos from the patient")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["patient", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(body_region__in=[k for k, _ in regions.CHOICES]),
                name="imaging_trayphoto_body_region_known",
            ),
            models.UniqueConstraint(
                fields=["link_uuid", "upload_key"],
                condition=~models.Q(upload_key=""),
                name="imaging_trayphoto_one_per_upload_key",
            ),
        ]

    def __str__(self):
        return f"tray photo {self.uuid}"

    def blob_name(self, rendition: str) -> str:
        if rendition not in RENDITIONS:
            raise ValueError(f"unknown rendition {rendition!r}")
        return getattr(self, f"{rendition}_blob")

    def blob_names(self) -> list[str]:
        return [self.blob_name(r) for r in RENDITIONS if self.blob_name(r)]

    @property
    def is_waiting(self) -> bool:
        return self.state == self.State.WAITING

    @property
    def site_label(self) -> str:
        return regions.site_label(self.body_region, self.laterality)
