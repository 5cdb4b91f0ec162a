"""`manage.py genkey`: one fresh key; `--env`: every secret production needs (DESIGN.md §9)."""

from django.core.management.base import BaseCommand

from pixiodoc.config import fresh_secrets, new_key


class Command(BaseCommand):
    help = "Print a fresh key, or with --env a NAME=value line for every production secret."

    def add_arguments(self, parser):
        parser.add_argument(
            "--env",
            action="store_true",
            help="print SECRET_KEY and every encryption and index key, ready for an env file",
        )

    def handle(self, *args, **options):
        if options["env"]:
            for name, value in fresh_secrets().items():
                self.stdout.write(f"{name}={value}")
        else:
            self.stdout.write(new_key())
