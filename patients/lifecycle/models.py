"""RetentionPolicy, LegalHold, ErasureRequest, ErasureCertificate, PatientExport, RetentionRun.

Imported from patients/models.py so they belong to the `patients` app. Rows that
must outlive the patient (requests, certificates, reports) name it by uuid only.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RetentionPolicy(models.Model):
    """How long a practice keeps a patient's record after the last visit."""

    practice = models.OneToOneField(
        "accounts.Practice", on_delete=models.PROTECT, related_name="retention_policy"
    )
    years_after_last_visit = models.PositiveSmallIntegerField()
    updated_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("retention policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    years_after_last_visit__gte=1, years_after_last_visit__lte=100
                ),
                name="patients_retentionpolicy_years_range",
            )
        ]

    def __str__(self):
        return f"retention policy of practice {self.practice_id}"


class LegalHold(models.Model):
    """While a hold is active, nothing of the patient is purged or erased."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="legal_holds"
    )
    # A short case reference, never PHI (it is shown in lists and the admin).
    reference = models.CharField(max_length=80)
    placed_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(released_at__isnull=True),
                name="patients_legalhold_one_active_per_patient",
            )
        ]

    def __str__(self):
        return f"legal hold {self.uuid}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class ErasureRequest(models.Model):
    """A patient's request to be erased: filed, decided by a second person, carried out."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        REJECTED = "rejected", _("Rejected")
        APPROVED = "approved", _("Approved, waiting for the job queue")
        RUNNING = "running", _("Erasing")
        FAILED = "failed", _("Failed")
        COMPLETED = "completed", _("Completed")

    class Origin(models.TextChoices):
        PATIENT = "patient", _("Patient's request")
        RETENTION = "retention", _("Retention policy")

    OPEN = (Status.PENDING, Status.APPROVED, Status.RUNNING, Status.FAILED)
    STEPS = ("block", "destroy_key", "delete_blobs", "delete_rows", "certificate")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+"
    )
    # The row outlives the patient: the foreign key empties, the uuid stays.
    patient = models.ForeignKey(
        "patients.Patient",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="erasure_requests",
    )
    patient_uuid = models.UUIDField(db_index=True)
    origin = models.CharField(
        max_length=16, choices=Origin.choices, default=Origin.PATIENT
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    asked_on = models.DateField(help_text=_("The date the patient asked."))
    reason = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)
    # Progress of the job, saved after every step so a crash resumes (S32).
    steps_done = models.JSONField(default=list, blank=True)
    blobs_found = models.PositiveIntegerField(null=True, blank=True)
    blobs_deleted = models.PositiveIntegerField(default=0)
    erased = models.JSONField(default=dict, blank=True)
    failed_step = models.CharField(max_length=32, blank=True)
    error = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient_uuid"],
                condition=Q(status__in=["pending", "approved", "running", "failed"]),
                name="patients_erasurerequest_one_open_per_patient",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "pending",
                        "rejected",
                        "approved",
                        "running",
                        "failed",
                        "completed",
                    ]
                ),
                name="patients_erasurerequest_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["practice", "status"])]

    def __str__(self):
        return f"erasure request {self.uuid}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def progress_percent(self) -> int:
        done = len(self.steps_done)
        if self.status == self.Status.COMPLETED:
            return 100
        part = 0.0
        if "delete_blobs" not in self.steps_done and self.blobs_found:
            part = self.blobs_deleted / self.blobs_found
        return int(100 * (done + part) / len(self.STEPS))


class ErasureCertificate(models.Model):
    """PHI-free proof that a patient's record was erased, and how."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.OneToOneField(
        ErasureRequest, on_delete=models.PROTECT, related_name="certificate"
    )
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+"
    )
    # The patient's uuid: pseudonymous, the same id the audit log uses.
    patient_uuid = models.UUIDField()
    origin = models.CharField(max_length=16)
    asked_on = models.DateField()
    requested_by_uuid = models.UUIDField(null=True, blank=True)
    requested_by_role = models.CharField(max_length=16, blank=True)
    approved_by_uuid = models.UUIDField(null=True, blank=True)
    approved_by_role = models.CharField(max_length=16, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    # What went and how much: {"key_destroyed": true, "blobs": n, "rows": {model: n}}.
    erased = models.JSONField(default=dict)
    issued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"erasure certificate {self.uuid}"


class PatientExport(models.Model):
    """A copy of everything held on a patient (GDPR Art. 15/20), offered once for 24 hours."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the job queue")
        RUNNING = "running", _("Building")
        READY = "ready", _("Ready to download")
        DOWNLOADED = "downloaded", _("Downloaded")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="exports"
    )
    requested_by = models.ForeignKey(
        "accounts.Member", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    blob_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    files = models.PositiveIntegerField(null=True, blank=True)
    unreadable = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    downloaded_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("patient export")
        verbose_name_plural = _("patient exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "pending",
                        "running",
                        "ready",
                        "downloaded",
                        "expired",
                        "failed",
                    ]
                ),
                name="patients_patientexport_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(expires_at__gt=models.F("created_at")),
                name="patients_patientexport_expires_after_created",
            ),
        ]

    def __str__(self):
        return f"patient export {self.uuid}"

    @property
    def is_waiting(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)


class RetentionRun(models.Model):
    """One retention purge: a PHI-free report (counts and request uuids only)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {practice uuid: {"due": n, "held": n, "queued": n, "requests": [uuid, ...]}}
    report = models.JSONField(default=dict, blank=True)
    # {practice uuid: [patient uuid, ...]}: what the scan found to purge, committed
    # before anything is queued, so a killed run resumes from it (issue 20).
    found = models.JSONField(default=dict, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"retention run {self.uuid}"


def default_retention_years() -> int:
    return settings.RETENTION_DEFAULT_YEARS


class SubjectRequest(models.Model):
    """A patient's request under the GDPR, with its deadline (Art. 12(3)), and who acted.

    Entered by staff, by the compliance officer by record number, or by the
    patient's own link; it names the patient by uuid too, so it outlives erasure.
    """

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access (Art. 15)")
        PORTABILITY = "portability", _("Portability (Art. 20)")
        ERASURE = "erasure", _("Erasure (Art. 17)")
        RECTIFICATION = "rectification", _("Rectification (Art. 16)")
        WITHDRAWAL = "withdrawal", _("Withdrawal of consent (Art. 7(3))")

    class Source(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        POST = "post", _("Letter")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Telephone")
        PATIENT_LINK = "patient_link", _("The patient's own link")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("request status", "Open")
        ANSWERED = "answered", _("Answered")
        REFUSED = "refused", _("Refused")

    EXPORT_KINDS = (Kind.ACCESS, Kind.PORTABILITY)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subject_requests",
    )
    patient_uuid = models.UUIDField(db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    received_on = models.DateField()
    due_on = models.DateField()
    # Art. 12(3): two more months, once, with the reason told to the patient.
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.CharField(max_length=500, blank=True)
    extended_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.OPEN
    )
    registered_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # What was answered (a short summary, never clinical content).
    outcome = models.CharField(max_length=500, blank=True)
    export = models.ForeignKey(
        PatientExport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subject_requests",
    )
    erasure = models.ForeignKey(
        ErasureRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subject_requests",
    )

    class Meta:
        ordering = ["due_on", "registered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "access",
                        "portability",
                        "erasure",
                        "rectification",
                        "withdrawal",
                    ]
                ),
                name="patients_subjectrequest_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    source__in=["in_person", "post", "email", "phone", "patient_link"]
                ),
                name="patients_subjectrequest_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "answered", "refused"]),
                name="patients_subjectrequest_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")),
                name="patients_subjectrequest_due_after_received",
            ),
            models.CheckConstraint(
                condition=Q(extended_to__isnull=True)
                | (Q(extended_to__gt=models.F("due_on")) & ~Q(extension_reason="")),
                name="patients_subjectrequest_extension_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["practice", "status", "due_on"])]

    def __str__(self):
        return f"subject request {self.uuid} ({self.kind})"

    @property
    def deadline(self):
        return self.extended_to or self.due_on

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
