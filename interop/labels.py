"""How the audit pages name PACS destinations (audit.lookups.register_labels)."""

from django.utils.translation import gettext

from interop.models import PacsDestination


def destination_labels(practice, uuids) -> dict:
    rows = PacsDestination.objects.filter(practice=practice, uuid__in=uuids)
    return {
        d.uuid: gettext("the PACS destination %(name)s") % {"name": d.name}
        for d in rows
    }


def register() -> None:
    from audit.lookups import register_labels

    register_labels("interop.pacsdestination", destination_labels)
