"""Accounting of disclosures (HIPAA §164.528): what of a patient left the practice.

A disclosure is an audited event: a share-link recipient opened or downloaded, a
patient export was handed out, and whatever later apps register (PACS pushes,
teaching exports). Audit reads the events by patient uuid and imports no other
app's models (DESIGN.md §1): the app that owns an action registers how to
describe its events, from its AppConfig.ready():

    from audit.disclosures import register_disclosure
    register_disclosure(Action.SHARE_OPENED, describe_share_events)

`describe(practice, events)` returns {event uuid: Described(recipient, what,
purpose)} for the events it can still describe; an event whose object is gone
(erased, deleted) is still listed, with its date and kind, and says so.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from audit.actions import Action, Outcome
from audit.models import AccessEvent

# §164.528(a): an accounting covers the six years before the request.
PERIOD = timedelta(days=6 * 366)


@dataclass(frozen=True)
class Described:
    recipient: str
    what: str
    purpose: str


@dataclass(frozen=True)
class Disclosure:
    when: datetime
    kind: str
    recipient: str
    what: str
    purpose: str
    event: AccessEvent


Describer = Callable[..., dict]
_describers: dict[str, Describer] = {}
_counts: dict[str, Callable] = {}


def register_disclosure(
    action: str, describe: Describer, *, counts: Callable | None = None
) -> None:
    """Count `action` events as disclosures, described by `describe(practice, events)`.

    `counts(event)`, if given, leaves out events of the action that are no new
    disclosure (a recipient looking again within the same open).
    """
    _describers[str(action)] = describe
    if counts is not None:
        _counts[str(action)] = counts


def disclosure_actions() -> list[str]:
    return sorted(_describers)


def disclosures_of(*, practice, patient_uuid, now=None) -> list[Disclosure]:
    """The patient's disclosures of the last six years, oldest first."""
    now = now or timezone.now()
    events = list(
        AccessEvent.objects.filter(
            practice=practice,
            patient_uuid=patient_uuid,
            action__in=disclosure_actions(),
            outcome=Outcome.OK,
            created_at__gte=now - PERIOD,
        ).order_by("seq")
    )
    events = [e for e in events if _counts.get(e.action, _always)(e)]
    by_action: dict[str, list[AccessEvent]] = {}
    for event in events:
        by_action.setdefault(event.action, []).append(event)
    described: dict = {}
    for action, group in by_action.items():
        described.update(_describers[action](practice, group))
    labels = dict(Action.choices)
    return [_disclosure(event, described.get(event.uuid), labels) for event in events]


def _always(event) -> bool:
    return True


def _disclosure(event, described: Described | None, labels) -> Disclosure:
    kind = labels.get(event.action, event.action.replace("_", " ").capitalize())
    if described is None:
        described = Described(
            recipient="not held any more (the record of it was deleted)",
            what=kind,
            purpose="",
        )
    return Disclosure(
        when=timezone.localtime(event.created_at),
        kind=kind,
        recipient=described.recipient,
        what=described.what,
        purpose=described.purpose,
        event=event,
    )
