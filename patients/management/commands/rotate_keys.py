"""`manage.py rotate_keys`: move every record to the newest keys (S19), honestly.

Without options it re-wraps every patient's data key with the newest
key-encryption key (KEK). It ends by counting what is still under an older key,
says so exactly, and exits 1 while anything remains, so "nothing left" is only
ever printed when the old key can go. Rows another transaction holds are waited
for up to --wait seconds, never passed over silently.

Roll-out: add the new key as the highest version in KEY_ENCRYPTION_KEYS (keep
the old ones), deploy, run this command until it prints "nothing left", then
drop the old versions.
"""

from django.core.management.base import BaseCommand, CommandError

from patients.key_rotation import KekRotation


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

    def handle(self, *args, batch_size, wait, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if wait < 0:
            raise CommandError("--wait cannot be negative")
        rotation = KekRotation()
        outcome = rotation.run(batch_size=batch_size, wait=wait)
        newest = rotation.newest
        if outcome.rewritten:
            self.stdout.write(
                f"re-wrapped {outcome.rewritten} data keys to key version {newest}"
            )
        if not outcome.remaining:
            self.stdout.write(
                f"nothing left: every data key is under key version {newest}"
            )
            return
        for pk in rotation.unreadable:
            self.stderr.write(f"could not unwrap the data key of patient row {pk}")
        held = outcome.remaining - len(rotation.unreadable)
        reasons = []
        if rotation.unreadable:
            reasons.append(
                f"{len(rotation.unreadable)} could not be unwrapped: is an old key "
                "version missing from KEY_ENCRYPTION_KEYS?"
            )
        if held:
            reasons.append(
                f"{held} were held by other transactions for {wait:g} s: run again"
            )
        raise CommandError(
            f"{outcome.remaining} data keys remain under older key versions; "
            "keep the old keys. " + "; ".join(reasons)
        )
