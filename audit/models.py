"""AccessEvent: one audited action, PHI-free and hash-chained per practice (DESIGN.md §7)."""

import uuid

from django.db import models

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

    def __str__(self):
        return f"chain head {self.key}: {self.seq}"
