"""Pushing photos to a PACS: a PacsPush row per photo first, then the job sends it.

`push_photos` records the request (one row per photo and destination, reset
to pending when sent again) and queues one job for them after commit; with the
broker or the PACS down the rows wait, nothing is lost. `deliver_all` is what
the job and `manage.py pacs_push` run: it sends the photos over one connection
(one C-STORE association), asks for the patient's treatment consent at send
time, sends each stored original as DICOM (same UIDs every time, so a resend is
filed once) and records each photo's outcome on its row and in the audit.
"""

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.actions import Action, ActorType, Outcome
from audit.services import record_event
from consent.checks import TREATMENT, has_consent
from interop import dicom, senders
from interop.exceptions import InteropError, PacsUnavailable, PushDenied
from interop.exports import photos_to_export
from interop.models import PacsPush
from pixiodoc import blobs, crypto, jobs

logger = logging.getLogger(__name__)
Status = PacsPush.Status
NO_CONSENT = (
    "This patient has not given consent to treatment photographs, so no photo is "
    "sent to a PACS. Record consent from the patient's page (Record consent) first."
)


def push_photos(
    *, actor, destination, patient, visit=None, request=None, enqueue: bool = True
) -> list[PacsPush]:
    """Queue the patient's (or one visit's) photos for the destination."""
    if not actor.may("send_to_pacs"):
        raise InteropError("Only owners and clinicians may send photos to a PACS.")
    if (
        destination.practice_id != actor.practice_id
        or patient.practice_id != actor.practice_id
    ):
        raise InteropError("This destination or patient belongs to another practice.")
    if not has_consent(patient, TREATMENT):
        raise InteropError(NO_CONSENT)
    photos = photos_to_export(member=actor, patient=patient, visit=visit)
    if not photos:
        raise InteropError("There are no photos to send.")
    root = dicom.uid_root_for(patient.practice)
    with transaction.atomic():
        pushes = []
        now = timezone.now()
        for photo in photos:
            push, _ = PacsPush.objects.update_or_create(
                destination=destination,
                photo=photo,
                defaults={
                    "status": Status.PENDING,
                    "reason": "",
                    "requested_by": actor,
                    "requested_at": now,
                    "sop_instance_uid": dicom.instance_uid(photo=photo, root=root),
                },
            )
            pushes.append(push)
        record_event(
            action=Action.PACS_PUSH_REQUESTED,
            actor=actor,
            request=request,
            target=visit or patient,
            patient=patient,
            details={
                "destination": str(destination.uuid),
                "photos": [str(p.uuid) for p in photos],
            },
        )
        if enqueue:
            from interop.tasks import deliver_push

            # One job for the lot: one connection to the PACS for all of them.
            jobs.send_on_commit(deliver_push, *(str(p.uuid) for p in pushes))
    return pushes


def deliver_all(*, push_uuids, final_attempt: bool = True) -> list[PacsPush | None]:
    """Send pending photos, one connection per destination; the pushes in the
    order asked, None for one whose destination or photo is gone since it was
    queued. Safe to run twice: a sent push is left alone.

    Each photo gets its own outcome on its row and in the audit as it goes. A
    PACS that cannot be reached stops the batch: that photo and the ones not yet
    sent stay pending with the reason and PacsUnavailable is raised (the job
    tries again later), unless this is the final attempt, which marks them failed.
    """
    loaded = {
        str(push.uuid): push
        for push in PacsPush.objects.select_related(
            "destination__practice", "photo__patient__practice", "photo__visit"
        ).filter(uuid__in=push_uuids)
    }
    pushes = [loaded.get(str(uuid)) for uuid in push_uuids]
    unsent = [p for p in pushes if p is not None and p.status != Status.SENT]
    by_destination = {}
    for push in unsent:
        by_destination.setdefault(push.destination_id, []).append(push)
    unavailable = None
    for group in by_destination.values():
        unavailable = _deliver_to(group, final_attempt=final_attempt) or unavailable
    if unavailable is not None:
        raise unavailable
    return pushes


def _deliver_to(pushes: list[PacsPush], *, final_attempt: bool):
    """Send one destination's pushes over one connection; the PacsUnavailable
    that stopped it when it will be tried again, else None."""
    # Counted before sending: the resender leaves tried pushes to their retry.
    PacsPush.objects.filter(pk__in=[p.pk for p in pushes]).update(
        attempts=F("attempts") + 1
    )
    # Derived again, not read from the rows: the same photo always gets the same UID.
    root = dicom.uid_root_for(pushes[0].destination.practice)
    for push in pushes:
        push.attempts += 1
        push.sop_instance_uid = dicom.instance_uid(photo=push.photo, root=root)
    allowed = _StillAllowed([push.photo for push in pushes])
    # While one photo is on its way, the next is checked, decrypted and built
    # here, and it leaves before the last one's outcome is written: our own work
    # and the PACS's overlap. Only the sending runs on the other thread; the
    # database stays on this one.
    with (
        senders.connection(pushes[0].destination) as pacs,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="pacs") as network,
    ):
        on_its_way = None  # (push, future)
        # A last turn with no photo (None) waits for the last answer.
        for number, push in enumerate([*pushes, None]):
            dataset = _prepared(push, root, allowed) if push else None
            answered = _answer(on_its_way)
            if answered and isinstance(answered[1], PacsUnavailable):
                # The rest would meet the same PACS: they wait with this photo.
                prepared = [push] if dataset is not None else []
                waiting = [answered[0], *prepared, *pushes[number + 1 :]]
                return _wait(waiting, answered[1], final_attempt=final_attempt)
            on_its_way = None
            if dataset is not None:
                on_its_way = (push, network.submit(pacs.send, dataset))
            if answered:
                _record_answer(*answered)
    return None


class _StillAllowed:
    """Whether a photo may go, asked at send time: not deleted, its patient not
    being erased, their treatment consent holding. Asked again once the answers
    are FRESH old, so a deletion, an erasure request or a withdrawal stops a
    push under way within a second, without three queries for every photo."""

    FRESH = 1.0  # seconds

    def __init__(self, photos):
        self._photos = {photo.pk: photo for photo in photos}
        self._patients = {photo.patient.pk: photo.patient for photo in photos}
        self._asked = None  # time.monotonic() of the last answers
        self._deleted, self._blocked, self._consenting = set(), set(), set()  # ids

    def check(self, photo) -> None:
        """Raise PushDenied (the reason) when the photo may not be sent now."""
        if self._asked is None or time.monotonic() - self._asked >= self.FRESH:
            self._ask()
        if photo.pk in self._deleted or photo.patient.pk in self._blocked:
            raise PushDenied("The photo was deleted or the record is being erased.")
        if photo.patient.pk not in self._consenting:
            raise PushDenied(
                "The patient's treatment consent no longer holds; not sent."
            )

    def _ask(self) -> None:
        model = type(next(iter(self._photos.values())))
        self._deleted = set(
            model.objects.filter(
                pk__in=self._photos, deleted_at__isnull=False
            ).values_list("pk", flat=True)
        )
        for patient in self._patients.values():
            patient.refresh_from_db(fields=["blocked_at"])
        self._blocked = {pk for pk, p in self._patients.items() if p.is_blocked}
        self._consenting = {
            pk
            for pk, patient in self._patients.items()
            if has_consent(patient, TREATMENT)
        }
        self._asked = time.monotonic()


def _prepared(push: PacsPush, root: str, allowed: _StillAllowed):
    """The photo's DICOM object, or None when it may not or cannot be sent
    (the outcome recorded)."""
    photo = push.photo
    try:
        allowed.check(photo)
        return dicom.photo_dataset(photo=photo, original=_original(photo), root=root)
    except PushDenied as error:
        _record(push, Status.FAILED, str(error), "not_allowed", Outcome.DENIED)
    except InteropError as error:
        _record(push, Status.FAILED, str(error), "refused", Outcome.FAILED)
    return None


def _answer(on_its_way):
    """Wait for the photo on its way: (push, the InteropError its sending raised
    or None); None when no photo was on its way."""
    if on_its_way is None:
        return None
    push, sending = on_its_way
    try:
        sending.result()
    except InteropError as error:
        return push, error
    return push, None


def _record_answer(push: PacsPush, error: InteropError | None) -> None:
    if error is None:
        _record(push, Status.SENT, "", "", Outcome.OK)
    else:
        _record(push, Status.FAILED, str(error), "refused", Outcome.FAILED)


def _wait(pushes: list[PacsPush], error, *, final_attempt: bool):
    """Record pushes the PACS was not there for; the error to raise, if any."""
    if final_attempt:
        final = f"{error} Send again once it is back."
        for push in pushes:
            _record(push, Status.FAILED, final, "unavailable", Outcome.FAILED)
        return None
    retry = f"{error} It will be tried again."
    for push in pushes:
        _record(push, Status.PENDING, retry, "unavailable", Outcome.FAILED)
    return error


def _original(photo) -> bytes:
    try:
        return blobs.read_blob(
            photo.patient,
            obj=photo.uuid,
            label="original",
            name=photo.original_blob,
        )
    except (crypto.IntegrityError, OSError) as error:
        logger.error("push: photo %s unreadable: %s", photo.uuid, type(error).__name__)
        raise InteropError(
            "The photo failed its integrity check and cannot be sent."
        ) from None


@transaction.atomic
def _record(push: PacsPush, status: str, reason: str, code: str, outcome: str) -> None:
    push.status, push.reason = status, reason[:200]
    push.sent_at = timezone.now() if status == Status.SENT else None
    push.save(
        update_fields=["status", "reason", "sent_at", "sop_instance_uid", "updated_at"]
    )
    record_event(
        action=Action.PACS_PUSHED,
        practice=push.destination.practice,
        actor_type=ActorType.SYSTEM,
        actor_uuid=push.uuid,
        target=push.photo,
        patient=push.photo.patient,
        outcome=outcome,
        reason=code,
        details={
            "destination": str(push.destination.uuid),
            "push": str(push.uuid),
            "attempt": push.attempts,
            "status": status,
        },
    )


# A push no worker has tried this long after it was asked for lost its message.
RESEND_AFTER = timedelta(minutes=1)


def resend_waiting(*, include_leased: bool = False) -> dict[str, int]:
    """pixiodoc.jobs resender: pushes whose first message never arrived.

    A push that has been tried waits for its own retry (the task's back-off),
    so only untried ones are sent again, one job per destination; sending twice
    is harmless (same UIDs).
    """
    from interop.tasks import deliver_push

    waiting = PacsPush.objects.filter(
        status=Status.PENDING,
        attempts=0,
        requested_at__lt=timezone.now() - RESEND_AFTER,
    )
    by_destination = {}
    for destination, uuid in waiting.values_list("destination_id", "uuid"):
        by_destination.setdefault(destination, []).append(str(uuid))
    for uuids in by_destination.values():
        jobs.send(deliver_push, *uuids)
    return {"PACS pushes": sum(map(len, by_destination.values()))}
