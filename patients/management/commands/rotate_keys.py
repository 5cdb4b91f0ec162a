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

from django.core.management.base import BaseCommand, CommandError

from patients.key_rotation import IndexRotation, KekRotation
from pixiodoc import keycheck
from pixiodoc.field_keys import FieldKeyRotation


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
            raise CommandError("--batch-size must be at least 1")
        if wait < 0:
            raise CommandError("--wait cannot be negative")
        run = {"batch_size": batch_size, "wait": wait}
        problems = []
        if field_key:
            problems += self._field_key(FieldKeyRotation(), run)
        if blind_index:
            problems += self._blind_index(IndexRotation(), run)
        if not (field_key or blind_index):
            problems += self._kek(KekRotation(), run)
        if problems:
            raise CommandError("; ".join(problems))

    def _kek(self, rotation: KekRotation, run) -> list[str]:
        outcome = rotation.run(**run)
        newest = rotation.newest
        if outcome.rewritten:
            self.stdout.write(
                f"re-wrapped {outcome.rewritten} data keys to key version {newest}"
            )
        if not outcome.remaining:
            self.stdout.write(
                f"nothing left: every data key is under key version {newest}"
            )
            return []
        for pk in rotation.unreadable:
            self.stderr.write(f"could not unwrap the data key of patient row {pk}")
        return [
            _still_pending(
                f"{outcome.remaining} data keys remain under older key versions",
                unreadable=len(rotation.unreadable),
                why="could not be unwrapped: is an old key version missing from "
                "KEY_ENCRYPTION_KEYS?",
                held=outcome.remaining - len(rotation.unreadable),
                wait=run["wait"],
            )
        ]

    def _field_key(self, rotation: FieldKeyRotation, run) -> list[str]:
        outcome = rotation.run(**run)
        if outcome.rewritten:
            self.stdout.write(
                f"re-encrypted {outcome.rewritten} rows under the first "
                "FIELD_ENCRYPTION_KEY"
            )
        if not outcome.remaining:
            self.stdout.write(
                "nothing left: every PHI field is under the first FIELD_ENCRYPTION_KEY"
            )
            keycheck.retire("field")
            return []
        for label, pk in sorted(rotation.unreadable):
            self.stderr.write(f"no configured field key opens {label} row {pk}")
        return [
            _still_pending(
                f"{outcome.remaining} rows remain under older field keys",
                unreadable=len(rotation.unreadable),
                why="no configured key opens: is an old key missing from "
                "FIELD_ENCRYPTION_KEY?",
                held=outcome.remaining - len(rotation.unreadable),
                wait=run["wait"],
            )
        ]

    def _blind_index(self, rotation: IndexRotation, run) -> list[str]:
        outcome = rotation.run(**run)
        if outcome.rewritten:
            self.stdout.write(
                f"re-indexed {outcome.rewritten} patients under the first "
                "BLIND_INDEX_KEY"
            )
        if not outcome.remaining:
            self.stdout.write(
                "nothing left: every patient is indexed under the first BLIND_INDEX_KEY"
            )
            keycheck.retire("index")
            return []
        return [
            _still_pending(
                f"{outcome.remaining} patients remain under older index keys",
                held=outcome.remaining,
                wait=run["wait"],
            )
        ]


def _still_pending(
    summary: str, *, held: int, wait: float, unreadable: int = 0, why: str = ""
) -> str:
    reasons = [f"{unreadable} {why}"] if unreadable else []
    if held:
        reasons.append(
            f"{held} were held by other transactions for {wait:g} s: run again"
        )
    return f"{summary}; keep the old keys. " + "; ".join(reasons)
