"""Breach scoping (GDPR Art. 33/34): who and what a member, a link or a time window reached.

Read from the audit log (every read of patient data is an event, S26): the
patients touched, counts by category of data, and a draft notification for the
supervisory authority with the 72-hour clock from the moment of awareness.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.actions import Action, ActorType, Outcome
from audit.lookups import labels_for
from audit.readable import PATIENT_TYPE
from audit.selectors import events_for

NOTIFY_WITHIN = timedelta(hours=72)

# Category of data reached -> the actions that reach it (names translated when shown).
CATEGORIES = {
    _("Identity and record (patient record, timeline opened)"): (
        Action.PATIENT_VIEWED,
        Action.TIMELINE_VIEWED,
    ),
    _("Clinical photographs seen"): (
        Action.PHOTO_VIEWED,
        Action.PHOTOS_COMPARED,
        Action.SHARE_PHOTO_VIEWED,
    ),
    _("Clinical photographs downloaded"): (Action.SHARE_DOWNLOADED,),
    _("Consent documents"): (Action.CONSENT_VIEWED, Action.CONSENT_DOWNLOADED),
    _("Whole-record exports"): (Action.EXPORT_DOWNLOADED,),
    _("Shared outside the practice"): (Action.SHARE_CREATED, Action.SHARE_OPENED),
    _("Patient lists and searches"): (
        Action.PATIENT_LIST_VIEWED,
        Action.PATIENT_SEARCHED,
    ),
}
CATEGORY_OF = {
    str(action): name for name, actions in CATEGORIES.items() for action in actions
}


@dataclass
class Category:
    name: str
    events: int = 0
    patients: set = field(default_factory=set)


@dataclass
class Scope:
    start: object
    end: object
    aware_at: object
    member: object = None
    link: object = None
    link_label: str = ""
    events: int = 0
    categories: list = field(default_factory=list)
    patients: list = field(
        default_factory=list
    )  # (record number, categories, first, last)

    @property
    def notify_by(self):
        return self.aware_at + NOTIFY_WITHIN

    def hours_left(self, now) -> float:
        return round((self.notify_by - now).total_seconds() / 3600, 1)

    @property
    def patient_uuids(self) -> list[str]:
        return sorted({str(p[0]) for p in self.patients})


def scope_breach(*, member, start, end, aware_at, subject=None, link=None) -> Scope:
    """What the events in [start, end] reached, of `subject` (a member) or `link` if given."""
    events = events_for(member=member).filter(
        created_at__gte=start, created_at__lte=end, outcome=Outcome.OK
    )
    if subject is not None:
        events = events.filter(member=subject)
    if link is not None:
        events = events.filter(actor_type=ActorType.SHARE_LINK, actor_uuid=link.uuid)
    scope = Scope(start=start, end=end, aware_at=aware_at, member=subject, link=link)
    if link is not None:
        scope.link_label = labels_for(
            member.practice, {"sharing.sharelink": {link.uuid}}
        ).get(("sharing.sharelink", link.uuid), "")
    categories = {name: Category(str(name)) for name in CATEGORIES}
    per_patient: dict = {}
    for action, patient_uuid, at in events.order_by("seq").values_list(
        "action", "patient_uuid", "created_at"
    ):
        scope.events += 1
        name = CATEGORY_OF.get(action)
        if name is None or patient_uuid is None:
            continue
        categories[name].events += 1
        categories[name].patients.add(patient_uuid)
        seen = per_patient.setdefault(patient_uuid, [set(), at, at])
        seen[0].add(categories[name].name)
        seen[2] = at
    scope.categories = [c for c in categories.values() if c.events]
    labels = labels_for(member.practice, {PATIENT_TYPE: set(per_patient)})
    scope.patients = sorted(
        (
            (
                uuid,
                labels.get((PATIENT_TYPE, uuid)) or gettext("(no longer held)"),
                sorted(names),
                timezone.localtime(first),
                timezone.localtime(last),
            )
            for uuid, (names, first, last) in per_patient.items()
        ),
        key=lambda row: row[1],
    )
    return scope
