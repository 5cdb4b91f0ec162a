from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from audit.actions import Action
from audit.models import AccessEvent, ChainCheckpoint
from audit.retention import checkpoint_is_genuine, purge_expired_events
from audit.tests.factories import make_events, tamper
from audit.verify import verify_chain

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _events_at(member, when, count):
    with time_machine.travel(when, tick=False):
        return make_events(member, count)


# S28
def test_retention_deletes_only_events_past_six_years_and_the_chain_still_verifies(
    clinician,
):
    old = _events_at(clinician, NOW - timedelta(days=6 * 365 + 30), 3)
    kept = _events_at(clinician, NOW - timedelta(days=6 * 365 - 30), 2)
    purged = purge_expired_events(now=NOW)
    assert purged == {str(clinician.practice_id): 3}
    remaining = set(AccessEvent.objects.values_list("pk", flat=True))
    assert not remaining & {e.pk for e in old}
    assert {e.pk for e in kept} <= remaining
    checkpoint = ChainCheckpoint.objects.get(practice=clinician.practice)
    assert (checkpoint.seq, checkpoint.last_hash, checkpoint.purged) == (
        3,
        old[-1].hash,
        3,
    )
    assert checkpoint_is_genuine(checkpoint)
    result = verify_chain(clinician.practice)
    # The two kept events plus the RETENTION_PURGED event the purge recorded.
    assert result.intact and result.events == 3
    assert AccessEvent.objects.filter(action=Action.RETENTION_PURGED).count() == 1


def test_retention_period_is_a_setting(clinician, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    _events_at(clinician, NOW - timedelta(days=31), 2)
    _events_at(clinician, NOW - timedelta(days=29), 1)
    assert purge_expired_events(now=NOW) == {str(clinician.practice_id): 2}


def test_retention_twice_removes_nothing_more(clinician):
    _events_at(clinician, NOW - timedelta(days=7 * 365), 2)
    purge_expired_events(now=NOW)
    assert purge_expired_events(now=NOW) == {}
    assert verify_chain(clinician.practice).intact


# S28
def test_a_forged_checkpoint_breaks_verification(clinician):
    _events_at(clinician, NOW - timedelta(days=7 * 365), 2)
    purge_expired_events(now=NOW)
    tamper("UPDATE audit_chaincheckpoint SET seq = seq + 1")
    broken = verify_chain(clinician.practice).broken
    assert broken.kind == "edited" and "checkpoint" in broken.message


# S28
def test_the_retention_delete_passes_the_trigger_only_in_its_own_transaction(
    clinician,
):
    (old,) = _events_at(clinician, NOW - timedelta(days=7 * 365), 1)
    (kept,) = _events_at(clinician, NOW, 1)
    purge_expired_events(now=NOW)
    assert not AccessEvent.objects.filter(pk=old.pk).exists()
    if connection.vendor == "postgresql":
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [kept.pk])
    assert AccessEvent.objects.filter(pk=kept.pk).exists()
