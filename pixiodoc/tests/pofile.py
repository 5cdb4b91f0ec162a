"""A small reader of gettext .po files, enough for the catalogue tests (issue 18).

Reads the entries makemessages writes: msgctxt, msgid, msgid_plural, msgstr and
msgstr[n], "#," flags; obsolete ("#~") entries are left out, as msgfmt does.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)  # one per plural form
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The entry's name in a compiled catalogue: context EOT msgid."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt else self.msgid

    @property
    def translated(self) -> bool:
        return all(self.msgstr) and "fuzzy" not in self.flags

    def __str__(self) -> str:
        where = f" (context {self.msgctxt!r})" if self.msgctxt else ""
        return f"{self.msgid!r}{where}"


def read(path: Path) -> list[Entry]:
    """The catalogue's messages, without the header entry."""
    return [entry for entry in _entries(path.read_text("utf-8")) if entry.msgid]


def _entries(text: str):
    # makemessages and msgmerge write one blank line between entries.
    for block in text.split("\n\n"):
        entry, field_name = Entry(), None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            elif not line or line.startswith("#"):
                continue
            elif line.startswith('"'):
                _append(entry, field_name, _string(line))
            else:
                field_name, _, rest = line.partition(" ")
                if field_name.startswith("msgstr"):
                    entry.msgstr.append("")
                _append(entry, field_name, _string(rest))
        if field_name:
            yield entry


def _string(quoted: str) -> str:
    return ast.literal_eval(quoted)


def _append(entry: Entry, field_name: str | None, text: str) -> None:
    if field_name.startswith("msgstr"):
        entry.msgstr[-1] += text
    elif field_name == "msgid":
        entry.msgid += text
    else:
        setattr(entry, field_name, (getattr(entry, field_name) or "") + text)
