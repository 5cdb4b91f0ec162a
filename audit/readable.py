"""Audit events as a compliance officer reads them: names and labels, never a uuid (#16).

Each app registers how to name its objects (audit.lookups.register_labels);
audit asks for the labels of one page of events in one call per object type,
and falls back to the kind of object ("Photo, no longer held") when the owning
app cannot name it any more (erased, purged).
"""

from dataclasses import dataclass

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.actions import Action, ActorType
from audit.lookups import labels_for

PATIENT_TYPE = "patients.patient"
ACTOR_WORDS = {
    ActorType.SHARE_LINK: _("Share-link recipient"),
    ActorType.SYSTEM: _("PixioDoc (scheduled job)"),
    ActorType.ANONYMOUS: _("Someone not signed in"),
}


@dataclass(frozen=True)
class ReadableEvent:
    event: object
    when: object
    who: str
    role: str
    what: str
    record: str
    patient: str
    where: str
    outcome: str


def readable_events(events, *, practice) -> list[ReadableEvent]:
    events = list(events)
    wanted: dict[str, set] = {PATIENT_TYPE: set()}
    for event in events:
        if event.patient_uuid:
            wanted[PATIENT_TYPE].add(event.patient_uuid)
        if event.object_type and event.object_uuid:
            wanted.setdefault(event.object_type, set()).add(event.object_uuid)
        if event.actor_type == ActorType.SHARE_LINK and event.actor_uuid:
            wanted.setdefault("sharing.sharelink", set()).add(event.actor_uuid)
    labels = labels_for(practice, wanted)
    actions = dict(Action.choices)
    return [_readable(event, labels, actions) for event in events]


def _readable(event, labels, actions) -> ReadableEvent:
    return ReadableEvent(
        event=event,
        when=timezone.localtime(event.created_at),
        who=_who(event, labels),
        role=event.member.get_role_display() if event.member else "",
        what=str(
            actions.get(event.action, event.action.replace("_", " ").capitalize())
        ),
        record=_record(event, labels),
        patient=_patient(event, labels),
        where=event.ip or "",
        outcome=str(event.get_outcome_display())
        + (f" ({event.reason.replace('_', ' ')})" if event.reason else ""),
    )


def _who(event, labels) -> str:
    if event.member:
        return event.member.user.display_name
    if event.actor_type == ActorType.SHARE_LINK:
        link = labels.get(("sharing.sharelink", event.actor_uuid))
        if link:
            return gettext("Recipient of %(link)s") % {"link": link}
        return str(ACTOR_WORDS[ActorType.SHARE_LINK])
    return str(ACTOR_WORDS.get(event.actor_type, event.get_actor_type_display()))


def _patient(event, labels) -> str:
    if not event.patient_uuid:
        return ""
    return labels.get((PATIENT_TYPE, event.patient_uuid)) or gettext(
        "patient no longer held"
    )


def _record(event, labels) -> str:
    if not event.object_type:
        return ""
    if event.object_type == PATIENT_TYPE:
        return gettext("Patient record")
    label = labels.get((event.object_type, event.object_uuid))
    kind = _kind(event.object_type)
    if label:
        return gettext("%(kind)s: %(label)s") % {"kind": kind, "label": label}
    if event.object_uuid:
        return gettext("%(kind)s, no longer held") % {"kind": kind}
    return kind


def _kind(object_type: str) -> str:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    return str(model._meta.verbose_name).capitalize()
