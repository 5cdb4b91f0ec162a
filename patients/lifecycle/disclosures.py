"""How the accounting of disclosures describes patient exports handed out (#16)."""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
            what=ngettext(
                "Copy of the whole record (%(count)s file)",
                "Copy of the whole record (%(count)s files)",
                export.files or 0,
            )
            % {"count": export.files or 0},
            purpose=_("The patient's request: %(kind)s")
            % {"kind": answered.get_kind_display()}
            if answered
            else _("Patient data export"),
        )
    return found


def _recipient(export, answered) -> str:
    member = export.downloaded_by
    by = (
        f"{member.user.display_name} ({member.get_role_display()})"
        if member
        else _("a former member")
    )
    if answered is None:
        return _("Handed out by %(by)s") % {"by": by}
    received = formats.date_format(answered.received_on)
    return _("The patient (request received %(received)s), handed out by %(by)s") % {
        "received": received,
        "by": by,
    }


def register() -> None:
    register_disclosure(Action.EXPORT_DOWNLOADED, describe_export_downloads)
