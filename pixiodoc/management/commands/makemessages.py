"""`makemessages` with the project's settings built in (issue 18).

- No fuzzy matching: msgmerge would guess a translation for every new string
  from a similar old one ("Change role" got "Passwort ändern"). A guess is never
  shipped (CI fails on fuzzy entries), so a new string starts empty instead.
- Always leaves out the virtualenv, var/ (collected static files), tests and
  benchmarks; writes no source locations (fewer merge conflicts between
  branches) and drops strings no longer in the source.

`make messages` runs it for every language and both domains.
"""

from django.core.management.commands import makemessages

PROJECT_IGNORES = [".venv", "var", "*/tests/*", "*/benchmarks/*", "node_modules"]


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options["ignore_patterns"], *PROJECT_IGNORES]
        options["no_location"] = True
        options["no_obsolete"] = True
        return super().handle(*args, **options)
