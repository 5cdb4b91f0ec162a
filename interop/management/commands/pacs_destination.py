"""`manage.py pacs_destination add|list|remove`: a practice's PACS destinations.

    pacs_destination add --practice SLUG --name NAME (--dicomweb URL | --aet AET
        --host HOST --port PORT) [--calling-aet AET]
    pacs_destination list --practice SLUG
    pacs_destination remove --practice SLUG --name NAME

Changes are made and audited as the practice's owner. Credentials for a
DICOMweb destination come from the environment, never the command line (it
shows in `ps` and shell history): PACS_USERNAME and PACS_PASSWORD for basic,
PACS_TOKEN for bearer. Exit 0, or 2 on bad arguments.
"""

import os

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from interop import cli
from interop.destinations import add_destination, remove_destination
from interop.exceptions import InteropError
from interop.selectors import destinations_for


class Command(BaseCommand):
    help = "Add, list or remove a practice's PACS destinations."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="add a destination")
        add.add_argument("--practice", required=True)
        add.add_argument("--name", required=True)
        add.add_argument("--dicomweb", metavar="URL", help="DICOMweb service root")
        add.add_argument("--aet", help="the PACS's AE title (C-STORE)")
        add.add_argument("--host")
        add.add_argument("--port", type=int)
        add.add_argument("--calling-aet", default="PIXIODOC")
        listing = actions.add_parser("list", help="list the destinations")
        listing.add_argument("--practice", required=True)
        remove = actions.add_parser("remove", help="remove a destination")
        remove.add_argument("--practice", required=True)
        remove.add_argument("--name", required=True)

    def handle(self, *args, **options):
        owner = cli.acting_owner(cli.practice(options["practice"]))
        try:
            getattr(self, options["action"])(owner, options)
        except InteropError as error:
            raise cli.bad(str(error)) from None

    def add(self, owner, options):
        if bool(options["dicomweb"]) == bool(
            options["aet"] or options["host"] or options["port"]
        ) or (
            not options["dicomweb"]
            and not (options["aet"] and options["host"] and options["port"])
        ):
            raise cli.bad(gettext("give --dicomweb URL, or --aet, --host and --port"))
        auth, username, secret = "none", "", ""
        if os.environ.get("PACS_TOKEN"):
            auth, secret = "bearer", os.environ["PACS_TOKEN"]
        elif os.environ.get("PACS_USERNAME"):
            auth = "basic"
            username = os.environ["PACS_USERNAME"]
            secret = os.environ.get("PACS_PASSWORD", "")
        destination = add_destination(
            actor=owner,
            name=options["name"],
            url=options["dicomweb"] or "",
            ae_title=options["aet"] or "",
            host=options["host"] or "",
            port=options["port"],
            calling_ae_title=options["calling_aet"],
            auth=auth,
            username=username,
            secret=secret,
        )
        self.stdout.write(f"added {destination.name} {self._describe(destination)}")

    def list(self, owner, options):
        for destination in destinations_for(member=owner):
            self.stdout.write(f"{destination.name} {self._describe(destination)}")

    def remove(self, owner, options):
        destination = (
            destinations_for(member=owner).filter(name=options["name"]).first()
        )
        if destination is None:
            raise cli.bad(
                gettext("no destination named %(name)r") % {"name": options["name"]}
            )
        remove_destination(actor=owner, destination=destination)
        self.stdout.write(f"removed {options['name']}")

    @staticmethod
    def _describe(destination) -> str:
        if destination.protocol == destination.Protocol.DICOMWEB:
            return f"dicomweb {destination.url} auth={destination.auth}"
        return (
            f"dimse {destination.ae_title}@{destination.host}:{destination.port} "
            f"calling {destination.calling_ae_title}"
        )
