"""AccessEvent: one audited action, PHI-free and hash-chained per practice (DESIGN.md §7)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.actions import ActorType, Outcome


class AccessEvent(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Each practice has its own chain; events with no practice (an unknown
    # e-mail failing to sign in) form the chain of practice NULL.
    practice = models.ForeignKey(
        "accounts.Practice", null=True, blank=True, on_delete=models.PROTECT
    )
    seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    member = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.PROTECT
    )
    # uuid of the user, share link or job behind the action (not a foreign key:
    # audit names other apps' objects by type and uuid only).
    actor_uuid = models.UUIDField(null=True, blank=True)
    action = models.CharField(max_length=48)
    object_type = models.CharField(max_length=48, blank=True)
    object_uuid = models.UUIDField(null=True, blank=True)
    patient_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(
        max_length=8, choices=Outcome.choices, default=Outcome.OK
    )
    reason = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    # PHI-free extras: uuids, counts, codes. Never names or free text from users.
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["practice_id", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "seq"], name="audit_accessevent_seq_unique"
            ),
            models.UniqueConstraint(
                fields=["seq"],
                condition=models.Q(practice__isnull=True),
                name="audit_accessevent_global_seq_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "created_at"]),
            models.Index(fields=["member", "created_at"]),
            models.Index(fields=["action"]),
        ]

    def __str__(self):
        return f"event {self.uuid} {self.action}"


class ChainHead(models.Model):
    """The newest link of each practice's chain; its row lock serialises writers."""

    # A practice's uuid, or "global" for events that belong to no practice.
    key = models.CharField(max_length=36, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    # The hash the newest event follows: set by the same UPDATE that advances the
    # head, so RETURNING can hand record_event both ends of the new link.
    prev_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return f"chain head {self.key}: {self.seq}"


class ChainCheckpoint(models.Model):
    """Left by audit retention: the last purged link, so the rest still verifies.

    Signed with HMAC under AUDIT_CHECKPOINT_KEY (audit/retention.py): a forged or
    edited checkpoint fails verification like an edited event.
    """

    practice = models.ForeignKey(
        "accounts.Practice", null=True, blank=True, on_delete=models.PROTECT
    )
    # The seq and hash of the newest event the purge removed.
    seq = models.PositiveBigIntegerField()
    last_hash = models.CharField(max_length=64)
    purged = models.PositiveBigIntegerField()
    cutoff = models.DateTimeField()
    created_at = models.DateTimeField()
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["practice_id", "seq"]

    def __str__(self):
        return f"checkpoint {self.practice_id} at {self.seq}"


class ChainStatus(models.Model):
    """The result of the last verification of a practice's chain (shown as a banner).

    A cache, not evidence: verify_audit recomputes it from the events.
    """

    practice = models.OneToOneField(
        "accounts.Practice", on_delete=models.CASCADE, related_name="+"
    )
    checked_at = models.DateTimeField()
    intact = models.BooleanField()
    events = models.PositiveBigIntegerField(default=0)
    broken_event_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=16, blank=True)
    message = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return (
            f"chain status {self.practice_id}: {'intact' if self.intact else 'broken'}"
        )


class PracticeAuditSettings(models.Model):
    """Alert thresholds of one practice (S38); defaults apply when there is no row."""

    practice = models.OneToOneField(
        "accounts.Practice", on_delete=models.CASCADE, related_name="+"
    )
    max_patients_per_hour = models.PositiveIntegerField(
        default=40,
        help_text=_("Alert when one member opens more patients than this in an hour."),
    )
    max_share_refusals_per_hour = models.PositiveIntegerField(
        default=10,
        help_text=_(
            "Alert when one address fails to open share links more often than "
            "this in an hour."
        ),
    )

    class Meta:
        verbose_name_plural = _("practice audit settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_patients_per_hour__gte=1)
                & models.Q(max_share_refusals_per_hour__gte=1),
                name="audit_practiceauditsettings_thresholds_positive",
            )
        ]

    def __str__(self):
        return f"audit settings of {self.practice_id}"


class AuditAlert(models.Model):
    """One raised alert, kept so the same subject is not alerted twice an hour."""

    class Kind(models.TextChoices):
        PATIENT_VOLUME = "patient_volume", _("Many patients opened by one member")
        SHARE_TOKEN_MISSES = "share_token_misses", _("Repeated share-link misses")
        CHAIN_BROKEN = "chain_broken", _("Audit chain broken")
        REQUEST_OVERDUE = "request_overdue", _("Patient request past its deadline")
        BREAK_GLASS = "break_glass", _("Break-glass access to a record")

    practice = models.ForeignKey("accounts.Practice", on_delete=models.CASCADE)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # A member uuid, an address or a broken event id: never PHI.
    subject = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["practice", "kind", "subject", "raised_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "patient_volume",
                        "share_token_misses",
                        "chain_broken",
                        "request_overdue",
                        "break_glass",
                    ]
                ),
                name="audit_auditalert_kind_valid",
            )
        ]

    def __str__(self):
        return f"alert {self.kind} {self.subject}"


class ChainVerification(models.Model):
    """One "Verify chain now" run asked for from the audit page (#16), with progress.

    The row is committed with the request and the job is queued after the commit;
    beat sends a run still pending after a minute again, so a lost message or a
    stopped broker delays the check but never drops it.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        "accounts.Member", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    checked_events = models.PositiveBigIntegerField(default=0)
    total_events = models.PositiveBigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "running", "done"]),
                name="audit_chainverification_state_known",
            ),
            # One run at a time per practice: a second click joins the first.
            models.UniqueConstraint(
                fields=["practice"],
                condition=~models.Q(state="done"),
                name="audit_chainverification_one_open",
            ),
        ]

    def __str__(self):
        return f"chain verification {self.uuid}: {self.state}"

    @property
    def percent(self) -> int:
        if not self.total_events:
            return 0
        return min(100, self.checked_events * 100 // self.total_events)
