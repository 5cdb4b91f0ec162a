import threading
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from audit.actions import Action, ActorType, Outcome
from audit.chain import event_hash
from audit.models import AccessEvent, ChainHead
from audit.services import record_event
from audit.tests.factories import make_events, tamper
from audit.verify import verify_chain


def run_verify(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


# S26
def test_an_event_records_who_what_which_when_where_and_outcome(clinician, rf):
    request = rf.get("/", HTTP_USER_AGENT="Browser/1.0\x00", REMOTE_ADDR="10.0.0.7")
    request.request_id = "abc123"
    target = uuid.uuid4()
    event = record_event(
        action=Action.PHOTO_VIEWED,
        actor=clinician,
        request=request,
        target=target,
        object_type="imaging.photo",
        patient=uuid.uuid4(),
        outcome=Outcome.DENIED,
        reason="no_consent",
    )
    event.refresh_from_db()
    assert event.practice == clinician.practice
    assert event.member == clinician and event.actor_type == ActorType.MEMBER
    assert event.actor_uuid == clinician.user.uuid
    assert (event.object_type, event.object_uuid) == ("imaging.photo", target)
    assert (event.ip, event.user_agent) == ("10.0.0.7", "Browser/1.0")
    assert (event.outcome, event.reason, event.request_id) == (
        "denied",
        "no_consent",
        "abc123",
    )
    assert event.created_at.utcoffset().total_seconds() == 0
    assert event.hash == event_hash(event)


def test_share_link_and_system_actors_are_named_by_uuid(practice):
    link = uuid.uuid4()
    event = record_event(
        action=Action.SHARE_OPENED,
        practice=practice,
        actor_type=ActorType.SHARE_LINK,
        actor_uuid=link,
    )
    job = record_event(action=Action.RETENTION_PURGED, actor_type=ActorType.SYSTEM)
    assert (event.actor_type, event.actor_uuid, event.member) == (
        "share_link",
        link,
        None,
    )
    assert job.practice is None and job.actor_type == "system"


def test_events_link_to_the_previous_event_of_their_practice(clinician, outsider):
    first, second = make_events(clinician, 2)
    elsewhere = record_event(action=Action.PATIENT_VIEWED, actor=outsider)
    assert (first.seq, second.seq, elsewhere.seq) == (1, 2, 1)
    assert second.prev_hash == first.hash
    assert elsewhere.prev_hash == "0" * 64


# S28
def test_verify_audit_reports_intact_chains(clinician, outsider):
    make_events(clinician, 3)
    make_events(outsider, 2)
    assert run_verify() == (0, "intact: 5 events\n")
    assert run_verify("--practice", "test") == (0, "intact: 3 events\n")


def test_verify_audit_refuses_an_unknown_practice(db):
    with pytest.raises(Exception, match="No practice"):
        call_command("verify_audit", "--practice", "nope")


# S28
def test_verify_names_an_edited_event(clinician):
    events = make_events(clinician, 5)
    tamper(
        "UPDATE audit_accessevent SET outcome = 'denied' WHERE id = %s",
        [events[2].pk],
    )
    code, out = run_verify()
    assert code == 1
    assert out.startswith(f"broken: event {events[2].pk} edited ")


# S28
def test_verify_names_an_edited_event_even_when_re_hashed(clinician):
    events = make_events(clinician, 5)
    victim = AccessEvent.objects.get(pk=events[2].pk)
    victim.outcome = "denied"
    tamper(
        "UPDATE audit_accessevent SET outcome = 'denied', hash = %s WHERE id = %s",
        [event_hash(victim), victim.pk],
    )
    code, out = run_verify()
    assert code == 1
    assert f"broken: event {events[2].pk} edited " in out


# S28
def test_verify_names_a_deleted_event(clinician):
    events = make_events(clinician, 5)
    tamper("DELETE FROM audit_accessevent WHERE id = %s", [events[2].pk])
    code, out = run_verify()
    assert code == 1
    assert out.startswith(f"broken: event {events[3].pk} missing ")
    assert "seq 3-3" in out


# S28
def test_verify_reads_a_long_chain_in_ranges_across_gaps(clinician, monkeypatch):
    monkeypatch.setattr("audit.verify.CHUNK", 3)
    events = make_events(clinician, 10)
    assert verify_chain(clinician.practice).events == 10
    tamper(
        "DELETE FROM audit_accessevent WHERE id IN (%s, %s, %s)",
        [e.pk for e in events[3:6]],
    )
    broken = verify_chain(clinician.practice).broken
    assert (broken.kind, broken.event_id) == ("missing", events[6].pk)


# S28
def test_verify_finds_the_newest_events_deleted(clinician):
    events = make_events(clinician, 5)
    tamper(
        "DELETE FROM audit_accessevent WHERE id IN (%s, %s)",
        [events[3].pk, events[4].pk],
    )
    code, out = run_verify()
    assert code == 1
    assert f"broken: event {events[2].pk} missing " in out
    assert "newest 2 event(s)" in out


def _forge(member, seq, prev_hash, **fields) -> AccessEvent:
    forged = AccessEvent(
        practice=member.practice,
        seq=seq,
        created_at=AccessEvent.objects.latest("id").created_at,
        actor_type="member",
        member=member,
        actor_uuid=member.user.uuid,
        action=Action.PATIENT_VIEWED,
        prev_hash=prev_hash,
        **fields,
    )
    forged.hash = event_hash(forged)
    forged.save(force_insert=True)  # a plain INSERT: the trigger allows it
    return forged


# S28
def test_verify_names_an_event_appended_outside_record_event(clinician):
    events = make_events(clinician, 3)
    forged = _forge(clinician, 4, events[-1].hash)
    code, out = run_verify()
    assert code == 1
    assert out.startswith(f"broken: event {forged.pk} inserted ")


# S28
def test_verify_names_an_event_squeezed_into_the_chain(clinician):
    events = make_events(clinician, 5)
    # Make room at seq 3, then insert a well-formed event linked to seq 2.
    tamper("UPDATE audit_accessevent SET seq = seq + 1000 WHERE seq >= 3")
    tamper("UPDATE audit_accessevent SET seq = seq - 999 WHERE seq >= 1000")
    forged = _forge(clinician, 3, events[1].hash)
    code, out = run_verify()
    assert code == 1
    assert out.startswith(f"broken: event {forged.pk} inserted ")


# S28
def test_verify_names_reordered_events(clinician):
    events = make_events(clinician, 5)
    a, b = events[1], events[2]
    tamper("UPDATE audit_accessevent SET seq = 100 WHERE id = %s", [a.pk])
    tamper("UPDATE audit_accessevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    tamper("UPDATE audit_accessevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    code, out = run_verify()
    assert code == 1
    assert out.startswith(f"broken: event {b.pk} reordered ")


# S28
def test_append_only_trigger_refuses_update_and_delete(clinician):
    (event,) = make_events(clinician, 1)
    if connection.vendor != "postgresql":
        # SQLite has no trigger: the chain is the guard there.
        AccessEvent.objects.filter(pk=event.pk).update(outcome="failed")
        assert verify_chain(clinician.practice).broken.kind == "edited"
        return
    for sql in (
        "UPDATE audit_accessevent SET outcome = 'failed' WHERE id = %s",
        "DELETE FROM audit_accessevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AccessEvent.objects.get(pk=event.pk).outcome == "ok"


# S28
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_writers_never_fork_the_chain(django_db_blocker):
    from pixiodoc.testing import make_member, make_practice

    member = make_member(make_practice(), "clinician")
    errors = []
    start = threading.Barrier(8)

    def write():
        try:
            start.wait()
            for _ in range(15):
                record_event(action=Action.PATIENT_VIEWED, actor=member)
        except Exception as exc:  # reported below; a thread cannot fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify_chain(member.practice)
    assert result.intact and result.events == 120
    assert ChainHead.objects.get(key=str(member.practice.uuid)).seq == 120
    assert sorted(
        AccessEvent.objects.filter(practice=member.practice).values_list(
            "seq", flat=True
        )
    ) == list(range(1, 121))
