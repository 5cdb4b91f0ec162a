"""Pushing photos to a PACS: a PacsPush row per photo first, then the job sends it.

`push_photos` records the request (one row per photo and destination, reset
to pending when sent again) and queues one job per row after commit; with the
broker or the PACS down the row waits, nothing is lost. `deliver` is what the
job and `manage.py pacs_push` run: it asks for the patient's treatment consent
at send time, sends the stored original as DICOM (same UIDs every time, so a
resend is filed once) and records the outcome on the row and in the audit.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
NO_CONSENT = _(
    "This patient has not given consent to treatment photographs, so no photo is "
    "sent to a PACS. Record consent from the patient's page (Record consent) first."
)


def push_photos(
    *, actor, destination, patient, visit=None, request=None, enqueue: bool = True
) -> list[PacsPush]:
    """Queue the patient's (or one visit's) photos for the destination."""
    if not actor.may("send_to_pacs"):
        raise InteropError(
            gettext("Only owners and clinicians may send photos to a PACS.")
        )
    if (
        destination.practice_id != actor.practice_id
        or patient.practice_id != actor.practice_id
    ):
        raise InteropError(
            gettext("This destination or patient belongs to another practice.")
        )
    if not has_consent(patient, TREATMENT):
        raise InteropError(str(NO_CONSENT))
    photos = photos_to_export(member=actor, patient=patient, visit=visit)
    if not photos:
        raise InteropError(gettext("There are no photos to send."))
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

            for push in pushes:
                jobs.send_on_commit(deliver_push, str(push.uuid))
    return pushes


def deliver(*, push_uuid: str, final_attempt: bool = True) -> PacsPush | None:
    """Send one pending photo. Safe to run twice: a sent push is left alone, and
    one whose destination or photo is gone since it was queued is None.

    A PACS that cannot be reached raises PacsUnavailable (the row stays pending
    with the reason) unless this is the final attempt, which marks it failed.
    """
    push = (
        PacsPush.objects.select_related(
            "destination__practice", "photo__patient__practice", "photo__visit"
        )
        .filter(uuid=push_uuid)
        .first()
    )
    if push is None or push.status == Status.SENT:
        return push
    photo, patient = push.photo, push.photo.patient
    PacsPush.objects.filter(pk=push.pk).update(attempts=F("attempts") + 1)
    push.attempts += 1
    # Derived again, not read from the row: the same photo always gets the same UID.
    root = dicom.uid_root_for(patient.practice)
    push.sop_instance_uid = dicom.instance_uid(photo=photo, root=root)
    try:
        # Asked at send time: a withdrawal or an erasure request counts at once.
        if photo.deleted_at is not None or patient.is_blocked:
            raise PushDenied(
                gettext("The photo was deleted or the record is being erased.")
            )
        if not has_consent(patient, TREATMENT):
            raise PushDenied(
                gettext("The patient's treatment consent no longer holds; not sent.")
            )
        dataset = dicom.photo_dataset(
            photo=photo,
            original=_original(photo),
            root=root,
        )
        senders.send(destination=push.destination, dataset=dataset)
    except PacsUnavailable as error:
        if not final_attempt:
            retry = f"{error} It will be tried again."
            _record(push, Status.PENDING, retry, "unavailable", Outcome.FAILED)
            raise
        final = f"{error} Send again once it is back."
        _record(push, Status.FAILED, final, "unavailable", Outcome.FAILED)
    except PushDenied as error:
        _record(push, Status.FAILED, str(error), "not_allowed", Outcome.DENIED)
    except InteropError as error:
        _record(push, Status.FAILED, str(error), "refused", Outcome.FAILED)
    else:
        _record(push, Status.SENT, "", "", Outcome.OK)
    return push


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
            gettext("The photo failed its integrity check and cannot be sent.")
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
    so only untried ones are sent again; sending twice is harmless (same UIDs).
    """
    from interop.tasks import deliver_push

    waiting = PacsPush.objects.filter(
        status=Status.PENDING,
        attempts=0,
        requested_at__lt=timezone.now() - RESEND_AFTER,
    )
    uuids = [str(u) for u in waiting.values_list("uuid", flat=True)]
    for uuid in uuids:
        jobs.send(deliver_push, uuid)
    return {"PACS pushes": len(uuids)}
