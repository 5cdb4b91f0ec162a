"""Pushing photos to a real PACS, Orthanc, over STOW-RS and C-STORE (issue 14, items 2-3)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AccessEvent
from consent.services import withdraw_consent
from imaging.services import read_rendition
from interop import dicom
from interop.destinations import add_destination
from interop.exceptions import InteropError, PacsUnavailable
from interop.models import PacsPush
from interop.pushes import deliver_all, push_photos
from interop.tasks import deliver_push
from interop.testing import running_relay
from interop.tests.factories import make_record, photos_of
from pixiodoc.testing import free_port

pytestmark = pytest.mark.django_db


def dicomweb(owner, orthanc, name="pacs-web"):
    return add_destination(actor=owner, name=name, url=orthanc.dicomweb_url)


def dimse(owner, orthanc, name="pacs-dimse", port=None):
    return add_destination(
        actor=owner,
        name=name,
        ae_title=orthanc.aet,
        host="127.0.0.1",
        port=port or orthanc.dicom_port,
    )


def push_now(actor, destination, patient, visit=None) -> list[PacsPush]:
    """What `pacs_push` does: record the pushes, then deliver them in-process."""
    pushes = push_photos(
        actor=actor,
        destination=destination,
        patient=patient,
        visit=visit,
        enqueue=False,
    )
    return deliver(pushes)


def deliver(pushes, **options) -> list[PacsPush]:
    return deliver_all(push_uuids=[str(p.uuid) for p in pushes], **options)


def check_stored(orthanc, member, patient):
    """Every photo is in the PACS once, with its tags and its original JPEG."""
    for photo in photos_of(patient):
        uid = dicom.instance_uid(photo=photo, root=dicom.uid_root_for(patient.practice))
        (instance,) = orthanc.find(uid)
        tags = orthanc.get(f"/instances/{instance}/simplified-tags")
        assert tags["PatientID"] == patient.record_number
        assert tags["Modality"] == "XC"
        assert tags["SOPClassUID"] == dicom.VL_PHOTOGRAPHIC
        region = tags["AnatomicRegionSequence"][0]
        assert region["CodeValue"] == dicom.regions.BY_KEY[photo.body_region].snomed
        assert region["CodingSchemeDesignator"] == "SCT"
        frame = orthanc.get(f"/instances/{instance}/frames/0/raw")
        original = read_rendition(
            actor=member, photo=photo, rendition="original", audit=False
        )
        # The fragment is the stored JPEG; DICOM pads an odd length with one byte.
        assert frame[: len(original)] == original
        assert len(frame) - len(original) in (0, 1)


@pytest.mark.parametrize("protocol", ["dicomweb", "dimse"])
def test_photos_reach_the_pacs_with_their_tags_and_original_pixels(
    owner, orthanc, protocol
):
    patient, _ = make_record(actor=owner)
    destination = {"dicomweb": dicomweb, "dimse": dimse}[protocol](owner, orthanc)
    pushes = push_now(owner, destination, patient)
    assert [p.status for p in pushes] == ["sent"] * 3
    check_stored(orthanc, owner, patient)
    uids = {p.sop_instance_uid for p in pushes}
    series = {
        orthanc.get(f"/instances/{orthanc.find(uid)[0]}")["ParentSeries"]
        for uid in uids
    }
    assert len(series) == 2  # hand on the first visit, face on the second


def test_sending_again_files_each_photo_once(owner, orthanc):
    patient, _ = make_record(actor=owner)
    web, other = dicomweb(owner, orthanc), dimse(owner, orthanc)
    first = push_now(owner, web, patient)
    again = push_now(owner, other, patient) + push_now(owner, web, patient)
    assert {p.status for p in again} == {"sent"}
    uids = {p.sop_instance_uid for p in first}
    assert uids == {p.sop_instance_uid for p in again}
    assert all(len(orthanc.find(uid)) == 1 for uid in uids)
    assert PacsPush.objects.filter(destination=web).count() == 3


def test_one_visit_sends_only_its_photos(owner, orthanc):
    patient, hand = make_record(actor=owner)
    pushes = push_now(owner, dicomweb(owner, orthanc), patient, visit=hand.visit)
    assert {p.photo.visit_id for p in pushes} == {hand.visit_id}
    assert len(pushes) == 2


def test_a_pacs_that_is_down_loses_nothing(owner, orthanc):
    patient, _ = make_record(actor=owner)
    down = dimse(owner, orthanc, name="down", port=free_port())
    (push, *_) = push_photos(
        actor=owner, destination=down, patient=patient, enqueue=False
    )
    with pytest.raises(PacsUnavailable):
        deliver([push], final_attempt=False)
    push.refresh_from_db()
    assert push.status == "pending"
    assert push.reason == "The PACS could not be reached. It will be tried again."
    # The PACS is back (here: the address fixed): the same row is sent.
    down.port = orthanc.dicom_port
    down.save()
    assert deliver([push])[0].status == "sent"
    assert len(orthanc.find(push.sop_instance_uid)) == 1


def cut_inside_the_second_photo(member, pushes) -> int:
    """A byte count towards the PACS that falls inside the second photo's object."""
    first, second = (
        len(dicom.encode(dicom.photo_dataset(photo=p.photo, original=o, root="1.2")))
        for p, o in (
            (p, read_rendition(actor=member, photo=p.photo, rendition="original"))
            for p in pushes[:2]
        )
    )
    return first + second // 2


def test_a_batch_goes_over_one_association(owner, orthanc):
    patient, _ = make_record(actor=owner)
    with running_relay(orthanc.dicom_port) as relay:
        pushes = push_now(owner, dimse(owner, orthanc, port=relay.port), patient)
        assert [p.status for p in pushes] == ["sent"] * 3
        assert relay.connections == 1
    check_stored(orthanc, owner, patient)


def test_an_association_that_drops_mid_batch_is_opened_again(owner, orthanc):
    patient, _ = make_record(actor=owner)
    with running_relay(orthanc.dicom_port) as relay:
        destination = dimse(owner, orthanc, port=relay.port)
        pushes = push_photos(
            actor=owner, destination=destination, patient=patient, enqueue=False
        )
        relay.cut(after=cut_inside_the_second_photo(owner, pushes))
        assert [p.status for p in deliver(pushes)] == ["sent"] * 3
        assert relay.connections == 2
    assert all(len(orthanc.find(p.sop_instance_uid)) == 1 for p in pushes)


def test_a_pacs_that_goes_down_mid_batch_loses_nothing(owner, orthanc):
    patient, _ = make_record(actor=owner)
    with running_relay(orthanc.dicom_port) as relay:
        destination = dimse(owner, orthanc, port=relay.port)
        pushes = push_photos(
            actor=owner, destination=destination, patient=patient, enqueue=False
        )
        relay.cut(after=cut_inside_the_second_photo(owner, pushes), refuse=True)
        first, *rest = deliver(pushes)
        assert first.status == "sent"
        down = "The PACS could not be reached. Send again once it is back."
        assert [(p.status, p.reason) for p in rest] == [("failed", down)] * 2
        events = AccessEvent.objects.filter(action="pacs_pushed").order_by("seq")
        assert [(e.object_uuid, e.outcome, e.reason) for e in events] == [
            (first.photo.uuid, "ok", ""),
            *((p.photo.uuid, "failed", "unavailable") for p in rest),
        ]
        # Back up: sending again completes, and nothing is filed twice.
        relay.listen()
        again = push_now(owner, destination, patient)
        assert [p.status for p in again] == ["sent"] * 3
        assert [p.sop_instance_uid for p in again] == [
            p.sop_instance_uid for p in pushes
        ]
    assert all(len(orthanc.find(p.sop_instance_uid)) == 1 for p in pushes)


def test_the_job_sends_again_only_what_is_still_pending(owner, orthanc):
    patient, _ = make_record(actor=owner)
    with running_relay(orthanc.dicom_port) as relay:
        destination = dimse(owner, orthanc, port=relay.port)
        pushes = push_photos(
            actor=owner, destination=destination, patient=patient, enqueue=False
        )
        relay.cut(after=cut_inside_the_second_photo(owner, pushes), refuse=True)
        with pytest.raises(PacsUnavailable):
            deliver(pushes, final_attempt=False)
        assert [p.status for p in PacsPush.objects.order_by("requested_at", "id")] == [
            "sent",
            "pending",
            "pending",
        ]
        relay.listen()
        uuids = [str(p.uuid) for p in pushes]
        assert deliver_push.apply(args=uuids).get() == "sent sent sent"
        assert relay.connections == 2  # the cut one and the job's (refused: none)
    assert all(len(orthanc.find(p.sop_instance_uid)) == 1 for p in pushes)


def test_the_job_retries_then_marks_the_push_failed_with_the_reason(owner):
    patient, _ = make_record(actor=owner)
    down = add_destination(
        actor=owner, name="down", ae_title="X", host="127.0.0.1", port=free_port()
    )
    (push, *_) = push_photos(
        actor=owner, destination=down, patient=patient, enqueue=False
    )
    deliver_push.apply(args=[str(push.uuid)])  # eager: the retries run inline
    push.refresh_from_db()
    assert push.status == "failed"
    assert push.reason == "The PACS could not be reached. Send again once it is back."
    assert push.attempts == 7


def test_queueing_enqueues_one_job_for_the_photos_after_commit(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    from pixiodoc import jobs

    sent = []
    monkeypatch.setattr(
        jobs, "send", lambda task, *args: sent.append((task.name, args))
    )
    patient, _ = make_record(actor=owner)
    destination = add_destination(actor=owner, name="web", url="http://127.0.0.1:9/x")
    with django_capture_on_commit_callbacks(execute=True):
        pushes = push_photos(actor=owner, destination=destination, patient=patient)
    assert sent == [("interop.deliver_push", tuple(str(p.uuid) for p in pushes))]
    assert {p.status for p in pushes} == {"pending"}


def test_a_withdrawn_treatment_consent_stops_the_send(owner, orthanc):
    patient, _ = make_record(actor=owner)
    destination = dicomweb(owner, orthanc)
    (push, *_) = push_photos(
        actor=owner, destination=destination, patient=patient, enqueue=False
    )
    withdraw_consent(
        actor=owner,
        patient=patient,
        purpose="treatment",
        withdrawn_on=timezone.localdate(),
    )
    assert deliver([push])[0].status == "failed"
    assert orthanc.find(push.sop_instance_uid) == []
    event = AccessEvent.objects.filter(action="pacs_pushed").get()
    assert (event.outcome, event.reason) == ("denied", "not_allowed")
    with pytest.raises(InteropError, match="consent"):
        push_photos(actor=owner, destination=destination, patient=patient)


def test_a_withdrawal_during_a_push_stops_the_photos_not_yet_sent(
    owner, orthanc, monkeypatch
):
    from interop import pushes as module

    patient, _ = make_record(actor=owner)
    pushes = push_photos(
        actor=owner,
        destination=dicomweb(owner, orthanc),
        patient=patient,
        enqueue=False,
    )
    monkeypatch.setattr(module._StillAllowed, "FRESH", 0)  # asked for every photo
    build = dicom.photo_dataset

    def build_then_withdraw(*, photo, **rest):
        if photo.pk == pushes[0].photo_id:  # checked already: this one goes
            withdraw_consent(
                actor=owner,
                patient=patient,
                purpose="treatment",
                withdrawn_on=timezone.localdate(),
            )
        return build(photo=photo, **rest)

    monkeypatch.setattr(dicom, "photo_dataset", build_then_withdraw)
    first, *rest = deliver(pushes)
    assert first.status == "sent"
    assert [(p.status, p.reason) for p in rest] == [
        ("failed", "The patient's treatment consent no longer holds; not sent.")
    ] * 2
    assert [orthanc.find(p.sop_instance_uid) for p in rest] == [[], []]


def test_every_push_is_audited_without_phi(owner, orthanc):
    patient, _ = make_record(actor=owner, family_name="Quixotic")
    destination = dicomweb(owner, orthanc)
    pushes = push_now(owner, destination, patient)
    events = AccessEvent.objects.filter(action="pacs_pushed").order_by("seq")
    assert [(e.object_uuid, e.outcome) for e in events] == [
        (p.photo.uuid, "ok") for p in pushes
    ]
    assert {e.details["destination"] for e in events} == {str(destination.uuid)}
    requested = AccessEvent.objects.get(action="pacs_push_requested")
    assert requested.member == owner
    everything = json.dumps([e.details for e in AccessEvent.objects.all()])
    assert "Quixotic" not in everything
    assert patient.record_number not in everything


@pytest.mark.parametrize("role", ["assistant", "compliance"])
def test_only_owners_and_clinicians_send(members, role):
    patient, _ = make_record(actor=members["owner"])
    destination = add_destination(
        actor=members["owner"], name="web", url="http://127.0.0.1:9/x"
    )
    with pytest.raises(InteropError, match="owners and clinicians"):
        push_photos(actor=members[role], destination=destination, patient=patient)


def test_another_practices_destination_is_refused(owner, outsider):
    theirs = add_destination(
        actor=_owner_of(outsider), name="web", url="http://x.example"
    )
    patient, _ = make_record(actor=owner)
    with pytest.raises(InteropError, match="another practice"):
        push_photos(actor=owner, destination=theirs, patient=patient)


def _owner_of(member):
    from pixiodoc.testing import make_member

    return make_member(member.practice, "owner")


# --- the commands -------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_pacs_destination_add_list_remove(owner):
    assert (
        run(
            "pacs_destination",
            "add",
            "--practice",
            "test",
            "--name",
            "web",
            "--dicomweb",
            "http://pacs.example/dicom-web",
        )
        == "added web dicomweb http://pacs.example/dicom-web auth=none\n"
    )
    run(
        "pacs_destination",
        "add",
        "--practice",
        "test",
        "--name",
        "store",
        "--aet",
        "PACS",
        "--host",
        "pacs.example",
        "--port",
        "104",
        "--calling-aet",
        "CLINIC",
    )
    assert run("pacs_destination", "list", "--practice", "test").splitlines() == [
        "store dimse PACS@pacs.example:104 calling CLINIC",
        "web dicomweb http://pacs.example/dicom-web auth=none",
    ]
    assert (
        run("pacs_destination", "remove", "--practice", "test", "--name", "web")
        == "removed web\n"
    )
    assert run("pacs_destination", "list", "--practice", "test").count("\n") == 1
    assert AccessEvent.objects.filter(action="pacs_destination_added").count() == 2


def test_credentials_come_from_the_environment_and_are_stored_encrypted(
    owner, monkeypatch
):
    from django.db import connection

    monkeypatch.setenv("PACS_USERNAME", "clinic")
    monkeypatch.setenv("PACS_PASSWORD", "s3cret-pass-word")
    run(
        "pacs_destination",
        "add",
        "--practice",
        "test",
        "--name",
        "web",
        "--dicomweb",
        "https://pacs.example/dicom-web",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT username, secret FROM interop_pacsdestination")
        stored = cursor.fetchone()
    assert "s3cret-pass-word" not in "".join(stored)
    assert "clinic" not in "".join(stored)
    assert PacsPush.objects.count() == 0


@pytest.mark.parametrize(
    "args",
    [
        ["add", "--practice", "test", "--name", "x"],
        ["add", "--practice", "test", "--name", "x", "--aet", "A", "--host", "h"],
        ["add", "--practice", "nowhere", "--name", "x", "--dicomweb", "http://a.b"],
        ["remove", "--practice", "test", "--name", "missing"],
    ],
)
def test_pacs_destination_exits_2_on_bad_arguments(owner, args):
    with pytest.raises(CommandError) as raised:
        run("pacs_destination", *args)
    assert raised.value.returncode == 2


def test_pacs_push_prints_a_line_per_photo(owner, orthanc):
    patient, hand = make_record(actor=owner)
    dimse(owner, orthanc, name="pacs")
    printed = run(
        "pacs_push",
        "--practice",
        "test",
        "--patient",
        patient.record_number,
        "--destination",
        "pacs",
        "--visit-date",
        "2026-01-15",
    )
    root = dicom.uid_root_for(patient.practice)
    expected = [
        f"sent {dicom.instance_uid(photo=p, root=root)}"
        for p in photos_of(patient)
        if p.visit_id == hand.visit_id
    ]
    assert sorted(printed.splitlines()) == sorted(expected)


def test_pacs_push_exits_1_when_a_photo_failed(owner):
    patient, _ = make_record(actor=owner)
    add_destination(
        actor=owner, name="down", ae_title="X", host="127.0.0.1", port=free_port()
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "pacs_push",
            "--practice",
            "test",
            "--patient",
            patient.record_number,
            "--destination",
            "down",
            stdout=out,
        )
    assert raised.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert all(
        line.startswith("failed ")
        and line.endswith(
            ": The PACS could not be reached. Send again once it is back."
        )
        for line in lines
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--destination", "missing"],
        ["--destination", "web", "--visit-date", "2026-13-01"],
        ["--destination", "web", "--visit-date", "2020-01-01"],
    ],
)
def test_pacs_push_exits_2_on_bad_arguments(owner, args):
    patient, _ = make_record(actor=owner)
    add_destination(actor=owner, name="web", url="http://127.0.0.1:9/x")
    with pytest.raises(CommandError) as raised:
        run(
            "pacs_push", "--practice", "test", "--patient", patient.record_number, *args
        )
    assert raised.value.returncode == 2


def test_a_push_whose_destination_was_removed_is_dropped(owner):
    from interop.destinations import remove_destination

    patient, _ = make_record(actor=owner)
    destination = add_destination(actor=owner, name="web", url="http://127.0.0.1:9/")
    (push, *_) = push_photos(
        actor=owner, destination=destination, patient=patient, enqueue=False
    )
    remove_destination(actor=owner, destination=destination)
    assert deliver_push.apply(args=[str(push.uuid)]).get() == "gone"


# #20: a push whose message was lost (a stopped broker) is sent again by the resender
def test_the_resender_sends_untried_pushes_again(owner, monkeypatch):
    from datetime import timedelta

    import time_machine

    from interop.models import PacsPush
    from pixiodoc import jobs

    patient, _ = make_record(actor=owner)
    destination = add_destination(actor=owner, name="web", url="http://127.0.0.1:9/")
    pushes = push_photos(
        actor=owner, destination=destination, patient=patient, enqueue=False
    )
    sent = []
    monkeypatch.setattr(jobs, "send", lambda task, *uuids: sent.extend(uuids))
    assert jobs.resend_waiting()["interop"] == {"PACS pushes": 0}  # just asked for
    later = pushes[0].requested_at + timedelta(minutes=2)
    with time_machine.travel(later):
        assert jobs.resend_waiting()["interop"] == {"PACS pushes": len(pushes)}
        tried = PacsPush.objects.filter(pk=pushes[0].pk)
        tried.update(attempts=1)  # tried once: its own retry waits
        assert jobs.resend_waiting()["interop"] == {"PACS pushes": len(pushes) - 1}
    assert str(pushes[0].uuid) in sent
