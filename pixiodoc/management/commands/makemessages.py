"""`makemessages` without fuzzy matching (issue 18).

Django's msgmerge guesses a translation for every new string from a similar old
one and marks it fuzzy ("Change role" got "Passwort ändern"). A guess is never
shipped: CI fails on fuzzy entries, so a new string starts empty instead.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
