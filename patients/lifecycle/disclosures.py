"""How the accounting of disclosures describes patient exports handed out (#16)."""

from audit.actions import Action
from audit.disclosures import Described, register_disclosure
from patients.lifecycle.models import PatientExport


def describe_export_downloads(practice, events) -> dict:
    uuids = {e.object_uuid for e in events if e.object_uuid}
    exports = {
        export.uuid: export
        for export in PatientExport.objects.filter(
            practice=practice, uuid__in=uuids
        ).select_related("downloaded_by__user")
    }
    found = {}
    for event in events:
        export = exports.get(event.object_uuid)
        if export is None:
            continue
        found[event.uuid] = Described(
            recipient=_recipient(export),
            what=f"Copy of the whole record ({export.files or 0} files)",
            purpose="Patient data export",
        )
    return found


def _recipient(export) -> str:
    member = export.downloaded_by
    if member is None:
        return "Handed out by a former member"
    return f"Handed out by {member.user.display_name} ({member.get_role_display()})"


def register() -> None:
    register_disclosure(Action.EXPORT_DOWNLOADED, describe_export_downloads)
