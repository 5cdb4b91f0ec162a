"""DICOM settings, PACS destinations and pushes of one practice (issue 14).

Credentials are encrypted fields (DESIGN.md §4). A PacsPush is the per-photo
state of sending one photo to one destination: the row is written before the
job is queued, so a stopped broker or a PACS that is down loses nothing.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField

from interop.uids import validate_uid_root


class DicomSettings(models.Model):
    """The practice's UID root: every DICOM UID PixioDoc writes is derived under it."""

    practice = models.OneToOneField(
        "accounts.Practice", on_delete=models.CASCADE, related_name="dicom_settings"
    )
    # Owners may set their organisation's registered root; the default is a
    # 2.25 root from a random UUID (PS3.5 B.2), unique without registration.
    uid_root = models.CharField(max_length=44, validators=[validate_uid_root])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("DICOM settings")

    def __str__(self):
        return f"DICOM settings of practice {self.practice_id}"


class PacsDestination(models.Model):
    class Protocol(models.TextChoices):
        DICOMWEB = "dicomweb", _("DICOMweb STOW-RS")
        DIMSE = "dimse", _("DIMSE C-STORE")

    class Auth(models.TextChoices):
        NONE = "none", _("None")
        BASIC = "basic", _("Basic (user name and password)")
        BEARER = "bearer", _("Bearer token")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.CASCADE, related_name="+"
    )
    name = models.SlugField(max_length=64)
    protocol = models.CharField(max_length=8, choices=Protocol.choices)
    # DICOMweb: the service root (STOW-RS posts to <url>/studies).
    url = models.URLField(max_length=300, blank=True)
    # DIMSE: the PACS's AE title, host and port, and the AE title we call from.
    ae_title = models.CharField(max_length=16, blank=True)
    host = models.CharField(max_length=255, blank=True)
    port = models.PositiveIntegerField(null=True, blank=True)
    calling_ae_title = models.CharField(max_length=16, default="PIXIODOC")
    auth = models.CharField(max_length=8, choices=Auth.choices, default=Auth.NONE)
    username = EncryptedCharField(max_length=200, blank=True)
    # The password (basic) or the token (bearer).
    secret = EncryptedCharField(max_length=2000, blank=True)
    created_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "name"], name="interop_pacsdestination_name_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(protocol="dicomweb", url__gt="")
                | models.Q(
                    protocol="dimse", ae_title__gt="", host__gt="", port__isnull=False
                ),
                name="interop_pacsdestination_address_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(auth__in=["none", "basic", "bearer"]),
                name="interop_pacsdestination_auth_known",
            ),
        ]

    def __str__(self):
        return f"PACS destination {self.name}"

    @property
    def address(self) -> str:
        if self.protocol == self.Protocol.DICOMWEB:
            return self.url
        return f"{self.ae_title}@{self.host}:{self.port}"


class PacsPush(models.Model):
    """The state of one photo at one destination; sending again reuses the row."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    destination = models.ForeignKey(
        PacsDestination, on_delete=models.CASCADE, related_name="pushes"
    )
    photo = models.ForeignKey(
        "imaging.Photo", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    # A PHI-free reason worded for staff ("the PACS refused the connection").
    reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    sop_instance_uid = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["destination", "photo"], name="interop_pacspush_once"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sent", "failed"]),
                name="interop_pacspush_status_known",
            ),
        ]

    def __str__(self):
        return f"PACS push {self.uuid} ({self.status})"
