"""`manage.py export_dicom --practice SLUG --patient RECORD --out DIR`: DICOM files.

One `.dcm` file per photo of the patient (VL Photographic Image) and a
DICOMDIR indexing them, under DIR (made if missing); one line per file; exit
0, or 2 on bad arguments. Audited as an export by the practice's owner.
"""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from interop import cli
from interop.exceptions import InteropError
from interop.exports import export_dicom


class Command(BaseCommand):
    help = "Write a patient's photos as DICOM files with a DICOMDIR."

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="practice slug")
        parser.add_argument("--patient", required=True, help="record number")
        parser.add_argument("--out", required=True, help="folder to write into")

    def handle(self, *args, **options):
        actor = cli.acting_owner(cli.practice(options["practice"]))
        patient = cli.patient(actor, options["patient"])
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise cli.bad(gettext("%(path)s is not a folder") % {"path": out})
        if (out / "DICOMDIR").exists():
            raise cli.bad(
                gettext("%(path)s already holds a DICOMDIR; choose an empty folder")
                % {"path": out}
            )
        try:
            files = export_dicom(actor=actor, patient=patient)
        except InteropError as error:
            raise cli.bad(str(error)) from None
        for name, content in files:
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            self.stdout.write(f"wrote {path}")
