"""Sections that higher apps add to a patient's timeline without `patients` naming them.

An app registers in its AppConfig.ready(): a template and a function that, given
the member, the patient, the visits shown and the timeline's query string (so a
section that filters what it shows narrows the timeline in place), returns
context with a fixed number of queries (the timeline's query count must not
grow with its rows).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineSection:
    name: str
    # "patient" sections sit above the visits, "visit" sections inside each visit,
    # "end" sections below the visits (record-keeping, so photos come first).
    place: str
    template: str
    context: Callable  # (member, patient, visits, *, query: QueryDict) -> dict
    order: int = 100


_sections: dict[str, TimelineSection] = {}


def register(section: TimelineSection) -> None:
    _sections[section.name] = section


def sections(place: str) -> list[TimelineSection]:
    return sorted(
        (s for s in _sections.values() if s.place == place), key=lambda s: s.order
    )
