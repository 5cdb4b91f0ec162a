"""How the accounting of disclosures describes patient exports handed out (#16)."""

from django.utils import formats

from audit.actions import Action
from audit.disclosures import Described, register_disclosure
from patients.lifecycle.models import PatientExport


def describe_export_downloads(practice, events) -> dict:
    uuids = {e.object_uuid for e in events if e.object_uuid}
    exports = {
        export.uuid: export
        for export in PatientExport.objects.filter(practice=practice, uuid__in=uuids)
        .select_related("downloaded_by__user")
        .prefetch_related("subject_requests")
    }
    found = {}
    for event in events:
        export = exports.get(event.object_uuid)
        if export is None:
            continue
        answered = next(iter(export.subject_requests.all()), None)
        found[event.uuid] = Described(
            recipient=_recipient(export, answered),
            what=f"Copy of the whole record ({export.files or 0} files)",
            purpose=f"The patient's request: {answered.get_kind_display()}"
            if answered
            else "Patient data export",
        )
    return found


def _recipient(export, answered) -> str:
    member = export.downloaded_by
    by = (
        f"{member.user.display_name} ({member.get_role_display()})"
        if member
        else "a former member"
    )
    if answered is None:
        return f"Handed out by {by}"
    received = formats.date_format(answered.received_on)
    return f"The patient (request received {received}), handed out by {by}"


def register() -> None:
    register_disclosure(Action.EXPORT_DOWNLOADED, describe_export_downloads)
