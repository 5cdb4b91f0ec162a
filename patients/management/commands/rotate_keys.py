"""`manage.py rotate_keys`: move every record to the newest keys (S19), honestly.

Without options it re-wraps every patient's data key with the newest
key-encryption key (KEK); `--field-key` re-encrypts every PHI column under the
first FIELD_ENCRYPTION_KEY; `--blind-index` rebuilds the search index under the
first BLIND_INDEX_KEY. Each ends by counting what is still under an older key,
says so exactly, and the command exits 1 while anything remains, so "nothing
left" is only ever printed when the old key can go. Rows another transaction
holds are waited for up to --wait seconds, never passed over silently.

Roll-out: add the new key (the highest version in KEY_ENCRYPTION_KEYS, or first
in FIELD_ENCRYPTION_KEY / BLIND_INDEX_KEY, old ones kept), deploy, run this
command until it prints "nothing left", then drop the old keys.
"""

from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.key_rotation import IndexRotation, KekRotation
from pixiodoc import keycheck
from pixiodoc.field_keys import FieldKeyRotation


@dataclass(frozen=True)
class Wording:
    """Sentences with %(n)s (a count), %(item)s or %(model)s and %(row)s (a row)."""

    done: str
    nothing_left: str
    remaining: str
    unreadable_line: str = ""
    unreadable_why: str = ""
    retire: str = ""  # the key check retired once nothing is left (pixiodoc.keycheck)
    values: dict = field(default_factory=dict)  # fixed values, e.g. the key version


def kek_wording(newest: int) -> Wording:
    return Wording(
        done=gettext_lazy("re-wrapped %(n)s data keys to key version %(version)s"),
        nothing_left=gettext_lazy(
            "nothing left: every data key is under key version %(version)s"
        ),
        remaining=gettext_lazy("%(n)s data keys remain under older key versions"),
        unreadable_line=gettext_lazy(
            "could not unwrap the data key of patient row %(item)s"
        ),
        unreadable_why=gettext_lazy(
            "could not be unwrapped: is an old key version missing from "
            "KEY_ENCRYPTION_KEYS?"
        ),
        values={"version": newest},
    )


FIELD_KEY = Wording(
    done=gettext_lazy("re-encrypted %(n)s rows under the first FIELD_ENCRYPTION_KEY"),
    nothing_left=gettext_lazy(
        "nothing left: every PHI field is under the first FIELD_ENCRYPTION_KEY"
    ),
    remaining=gettext_lazy("%(n)s rows remain under older field keys"),
    unreadable_line=gettext_lazy("no configured field key opens %(model)s row %(row)s"),
    unreadable_why=gettext_lazy(
        "no configured key opens: is an old key missing from FIELD_ENCRYPTION_KEY?"
    ),
    retire="field",
)
BLIND_INDEX = Wording(
    done=gettext_lazy("re-indexed %(n)s patients under the first BLIND_INDEX_KEY"),
    nothing_left=gettext_lazy(
        "nothing left: every patient is indexed under the first BLIND_INDEX_KEY"
    ),
    remaining=gettext_lazy("%(n)s patients remain under older index keys"),
    retire="index",
)


def _row(item) -> dict:
    """A row as the wording names it: whole, or as (model, row) when it is a pair."""
    if isinstance(item, tuple):
        return {"item": item, "model": item[0], "row": item[1]}
    return {"item": item}


class Command(BaseCommand):
    help = "Re-wrap every patient's data key with the newest key-encryption key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument(
            "--wait",
            type=float,
            default=60.0,
            help="seconds to wait for rows other transactions hold (default 60)",
        )
        parser.add_argument(
            "--field-key",
            action="store_true",
            help="re-encrypt PHI fields under the first FIELD_ENCRYPTION_KEY",
        )
        parser.add_argument(
            "--blind-index",
            action="store_true",
            help="rebuild the search index under the first BLIND_INDEX_KEY",
        )

    def handle(self, *args, batch_size, wait, field_key, blind_index, **options):
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1"))
        if wait < 0:
            raise CommandError(_("--wait cannot be negative"))
        run = {"batch_size": batch_size, "wait": wait}
        problems = []
        if field_key:
            problems += self._report(FieldKeyRotation(), FIELD_KEY, run)
        if blind_index:
            problems += self._report(IndexRotation(), BLIND_INDEX, run)
        if not (field_key or blind_index):
            rotation = KekRotation()
            problems += self._report(rotation, kek_wording(rotation.newest), run)
        if problems:
            raise CommandError("; ".join(problems))

    def _report(self, rotation, wording: Wording, run) -> list[str]:
        """Run one rotation and say exactly what it did and what is left."""
        outcome = rotation.run(**run)
        if outcome.rewritten:
            self.stdout.write(wording.done % {"n": outcome.rewritten, **wording.values})
        if not outcome.remaining:
            self.stdout.write(wording.nothing_left % wording.values)
            if wording.retire:
                keycheck.retire(wording.retire)
            return []
        unreadable = sorted(getattr(rotation, "unreadable", ()))
        for item in unreadable:
            self.stderr.write(wording.unreadable_line % _row(item))
        reasons = [f"{len(unreadable)} {wording.unreadable_why}"] if unreadable else []
        if held := outcome.remaining - len(unreadable):
            reasons.append(
                _("%(held)s were held by other transactions for %(wait)s s: run again")
                % {"held": held, "wait": f"{run['wait']:g}"}
            )
        remaining = wording.remaining % {"n": outcome.remaining}
        return [
            _("%(remaining)s; keep the old keys. ") % {"remaining": remaining}
            + "; ".join(reasons)
        ]
