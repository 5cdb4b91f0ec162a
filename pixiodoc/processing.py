"""What apps declare for the record of processing (GDPR Art. 30), without being named.

The record is written by the `compliance` app, which sits on top and imports
nobody's registration: an app that discloses to a new kind of recipient (PACS
destinations in `interop`, say) registers from its AppConfig.ready():

    from pixiodoc.processing import register_recipients
    register_recipients("PACS destinations", pacs_destinations)

`function(practice)` returns a list of short lines, one per recipient (a name
and where it is, never patient data). This module lives at the bottom so that
nothing has to import upwards to register (DESIGN.md §1).
"""

from collections.abc import Callable

_recipients: dict[str, Callable] = {}


def register_recipients(category: str, function: Callable) -> None:
    _recipients[category] = function


def recipients(practice) -> dict[str, list[str]]:
    """{category: [recipient line, ...]} for every registered category, sorted."""
    return {name: list(_recipients[name](practice)) for name in sorted(_recipients)}
