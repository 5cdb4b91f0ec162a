"""PACS pushes in the accounting of disclosures and destinations in the Art. 30 record (#16).

Registered with audit.disclosures and pixiodoc.processing: neither names interop.
"""

from uuid import UUID

from django.utils.translation import gettext, gettext_noop

from audit.actions import Action
from audit.disclosures import Described, register_disclosure
from interop.models import PacsDestination
from pixiodoc.processing import register_recipients


def _destination_of(event):
    try:
        return UUID(event.details.get("destination", ""))
    except ValueError:
        return None


def describe_pushes(practice, events) -> dict:
    wanted = {_destination_of(e) for e in events} - {None}
    destinations = {
        d.uuid: d
        for d in PacsDestination.objects.filter(practice=practice, uuid__in=wanted)
    }
    found = {}
    for event in events:
        destination = destinations.get(_destination_of(event))
        if destination is None:
            continue
        found[event.uuid] = Described(
            recipient=f"PACS {destination.name} ({destination.address})",
            what=gettext("1 photograph as a DICOM image"),
            purpose=gettext("Treatment: archived in the PACS"),
        )
    return found


def destination_lines(practice) -> list[str]:
    return [
        f"{d.name}: {d.get_protocol_display()} {d.address}"
        for d in PacsDestination.objects.filter(practice=practice)
    ]


def register() -> None:
    register_disclosure(Action.PACS_PUSHED, describe_pushes)
    # A plain key (the registry is a dict); the record translates it when shown.
    register_recipients(gettext_noop("PACS destinations"), destination_lines)
