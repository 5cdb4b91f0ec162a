"""Audit retention: the one path that deletes audit rows (S28).

Events older than AUDIT_RETENTION_DAYS (default six years, HIPAA §164.316(b)(2))
are deleted from the start of each chain; a checkpoint signed with HMAC-SHA256
under AUDIT_CHECKPOINT_KEY records the seq and hash of the last one removed, so
the remaining chain still verifies and a forged checkpoint does not.
"""

import hashlib
import hmac
import logging
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AccessEvent, ChainCheckpoint

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 6 * 365 + 2  # six years, leap days included


def retention_days() -> int:
    return int(getattr(settings, "AUDIT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def _key() -> bytes:
    key = getattr(settings, "AUDIT_CHECKPOINT_KEY", "") or ""
    if key:
        return key.encode()
    # Without a dedicated key, one derived from SECRET_KEY (rotating it then
    # invalidates old checkpoints: set AUDIT_CHECKPOINT_KEY in production).
    return hmac.new(
        settings.SECRET_KEY.encode(), b"pixiodoc audit checkpoint", hashlib.sha256
    ).digest()


def _message(checkpoint: ChainCheckpoint) -> bytes:
    return "|".join(
        [
            str(checkpoint.practice_id),
            str(checkpoint.seq),
            checkpoint.last_hash,
            str(checkpoint.purged),
            checkpoint.cutoff.isoformat(timespec="microseconds"),
            checkpoint.created_at.isoformat(timespec="microseconds"),
        ]
    ).encode()


def sign(checkpoint: ChainCheckpoint) -> str:
    return hmac.new(_key(), _message(checkpoint), hashlib.sha256).hexdigest()


def checkpoint_is_genuine(checkpoint: ChainCheckpoint) -> bool:
    return hmac.compare_digest(sign(checkpoint), checkpoint.signature)


@contextmanager
def retention_deletes():
    """Let audit rows be deleted past the append-only trigger, inside this block only.

    SET LOCAL lasts until the end of the whole transaction, which may be a
    caller's: the setting is switched off again on the way out.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL pixiodoc.audit_retention = 'on'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL pixiodoc.audit_retention = 'off'")


@transaction.atomic
def purge_expired_events(*, now=None) -> dict:
    """Delete events past retention, chain by chain, leaving a signed checkpoint.

    Returns {chain label: events deleted}. Safe to run twice: a second run finds
    nothing older than the cutoff. django-auditlog's entries past the cutoff go too.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    with retention_deletes():
        return _purge(cutoff, now)


def _purge(cutoff, now) -> dict:
    from auditlog.models import LogEntry

    purged = {}
    practice_ids = (
        AccessEvent.objects.filter(created_at__lt=cutoff)
        .order_by()
        .values_list("practice_id", flat=True)
        .distinct()
    )
    for practice_id in list(practice_ids):
        chain = AccessEvent.objects.filter(practice_id=practice_id)
        if practice_id is None:
            chain = AccessEvent.objects.filter(practice__isnull=True)
        newest_old = (
            chain.filter(created_at__lt=cutoff)
            .order_by("-seq")
            .values_list("seq", "hash")
            .first()
        )
        seq, last_hash = newest_old
        count, _ = chain.filter(seq__lte=seq).delete()
        checkpoint = ChainCheckpoint(
            practice_id=practice_id,
            seq=seq,
            last_hash=last_hash,
            purged=count,
            cutoff=cutoff,
            created_at=now,
        )
        checkpoint.signature = sign(checkpoint)
        checkpoint.save()
        purged[str(practice_id)] = count
        _record_purge(practice_id, count, seq)
        logger.info("audit retention: %s events of practice %s", count, practice_id)
    LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return purged


def _record_purge(practice_id, count: int, seq: int) -> None:
    from audit.actions import Action, ActorType
    from audit.services import record_event
    from pixiodoc.accounts.models import Practice

    record_event(
        action=Action.RETENTION_PURGED,
        practice=Practice.objects.get(pk=practice_id) if practice_id else None,
        actor_type=ActorType.SYSTEM,
        object_type="audit.accessevent",
        details={"events": count, "through_seq": seq},
    )
