"""Which stored blobs are in use, and per-app purges, without `patients` naming any app.

The orphan sweep deletes blobs under `patients/<uuid>/` that no committed row
references once they are older than a grace period. It can only know what the
apps tell it, so every app that keeps blob names on its rows registers, in its
AppConfig.ready():

    register_blob_references("imaging", lambda patient_uuids: {names...})

The function gets a list of patient uuids and returns every blob name its rows
reference for those patients. As a safety net the sweep refuses to run while an
installed model has a field with "blob" in its name and its app registered nothing.

`register_purge(name, purge)` adds a housekeeping step run nightly:
`purge(now) -> int` deletes what is due (e.g. deleted photos past their grace
period) and returns how many items it removed.
"""

from collections.abc import Callable, Iterable
from uuid import UUID

_references: dict[str, Callable[[list[UUID]], Iterable[str]]] = {}
_purges: dict[str, Callable] = {}


def register_blob_references(app_label: str, referenced: Callable) -> None:
    _references[app_label] = referenced


def registered_apps() -> set[str]:
    return set(_references)


def referenced_names(patient_uuids: list[UUID]) -> set[str]:
    names: set[str] = set()
    for referenced in _references.values():
        names.update(n for n in referenced(patient_uuids) if n)
    return names


def register_purge(name: str, purge: Callable) -> None:
    _purges[name] = purge


def purges() -> dict[str, Callable]:
    return dict(_purges)
