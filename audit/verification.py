""" "Verify chain now" (#16): the nightly chain check, asked for from the audit page.

The run is a row committed with the request; the job is queued after the commit
(pixiodoc.jobs) and reports progress on the row, so the page can show it, and a
stopped broker loses nothing: the jobs resender sends a waiting run again.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from audit.actions import Action
from audit.alerts import keep_result
from audit.models import AccessEvent, ChainVerification
from audit.services import record_event
from audit.verify import verify_chain
from pixiodoc import jobs

RESEND_AFTER = timedelta(minutes=1)


def open_run(practice) -> ChainVerification | None:
    return (
        ChainVerification.objects.filter(practice=practice)
        .exclude(state=ChainVerification.State.DONE)
        .first()
    )


@transaction.atomic
def request_verification(*, actor, request=None) -> ChainVerification:
    """Ask for a check of the actor's practice's chain; a second ask joins the first."""
    run = open_run(actor.practice)
    if run is None:
        try:
            with transaction.atomic():
                run = ChainVerification.objects.create(
                    practice=actor.practice,
                    requested_by=actor,
                    requested_at=timezone.now(),
                )
        except IntegrityError:  # another click won the race
            run = open_run(actor.practice)
    record_event(
        action=Action.AUDIT_VERIFY_REQUESTED,
        actor=actor,
        request=request,
        target=run,
    )
    jobs.send_on_commit(_task(), str(run.uuid))
    return run


def _task():
    from audit.tasks import verify_chain_now  # tasks import this module: no cycle

    return verify_chain_now


def carry_out(run: ChainVerification) -> ChainVerification:
    """Run the check with progress on the row; safe to run twice (a done run stays)."""
    if run.state == ChainVerification.State.DONE:
        return run
    total = (
        AccessEvent.objects.filter(practice=run.practice).aggregate(n=Max("seq"))["n"]
        or 0
    )
    ChainVerification.objects.filter(pk=run.pk).update(
        state=ChainVerification.State.RUNNING, total_events=total, checked_events=0
    )

    def progress(count: int) -> None:
        ChainVerification.objects.filter(pk=run.pk).update(checked_events=count)

    result = verify_chain(run.practice, progress=progress)
    with transaction.atomic():
        keep_result(result)
        ChainVerification.objects.filter(pk=run.pk).update(
            state=ChainVerification.State.DONE,
            checked_events=result.events,
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


def resend_waiting(*, include_leased: bool = False) -> dict[str, int]:
    """pixiodoc.jobs resender: runs a lost message or a stopped broker left waiting.

    A run still marked running is sent again only at a worker start
    (`include_leased`): its worker may have died with the previous one.
    carry_out starts a run over, so sending one twice costs a second check only.
    """
    waiting = ChainVerification.objects.filter(
        state=ChainVerification.State.PENDING,
        requested_at__lt=timezone.now() - RESEND_AFTER,
    )
    if include_leased:
        waiting = ChainVerification.objects.exclude(state=ChainVerification.State.DONE)
    uuids = [str(u) for u in waiting.values_list("uuid", flat=True)]
    for uuid in uuids:
        jobs.send(_task(), uuid)
    return {"chain verifications": len(uuids)}
