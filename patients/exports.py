"""Sections that apps add to a patient export without `patients` naming them (S31).

An app registers in its AppConfig.ready():

    from patients.exports import ExportPart, register_section

    def build(patient):
        return ExportPart(data=[...], files=[("photo-1.jpg", b"...")])

    register_section("photos", build, order=20)

`build(patient)` gets one patient and must return only that patient's data:
`data` goes into data.json under the section's name, `files` into the ZIP under
`<section name>/`. A blob that fails to decrypt is counted in `unreadable` and
left out; the export goes on. Files may be a generator, so large sections stream;
`unreadable` is read after the files, so a generator may count as it goes.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ExportPart:
    data: Any = None
    files: Iterable[tuple[str, bytes]] = field(default_factory=list)
    unreadable: int = 0


@dataclass(frozen=True)
class ExportSection:
    name: str
    build: Callable  # (patient) -> ExportPart
    order: int = 100


_sections: dict[str, ExportSection] = {}


def register_section(name: str, build: Callable, *, order: int = 100) -> None:
    _sections[name] = ExportSection(name=name, build=build, order=order)


def sections() -> list[ExportSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.name))
