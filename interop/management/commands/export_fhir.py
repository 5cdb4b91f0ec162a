"""`manage.py export_fhir --practice SLUG --patient RECORD --out FILE`: the FHIR Bundle.

Writes the patient's FHIR R4 Bundle (collection) as JSON; exit 0, or 2 on bad
arguments. Audited as an export by the practice's owner.
"""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from interop import cli
from interop.exports import export_fhir


class Command(BaseCommand):
    help = "Write a patient's record as a FHIR R4 Bundle (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="practice slug")
        parser.add_argument("--patient", required=True, help="record number")
        parser.add_argument("--out", required=True, help="file to write")

    def handle(self, *args, **options):
        actor = cli.acting_owner(cli.practice(options["practice"]))
        patient = cli.patient(actor, options["patient"])
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise cli.bad(
                gettext("no folder %(folder)s to write %(name)s in")
                % {"folder": out.parent, "name": out.name}
            )
        out.write_bytes(export_fhir(actor=actor, patient=patient))
        self.stdout.write(f"wrote {out}")
