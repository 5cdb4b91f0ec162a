"""`manage.py import_photos`: bring exported photos into a patient's timeline (DESIGN §9).

    python manage.py import_photos --practice SLUG --patient RECORD_OR_UUID \\
        [--visit-date YYYY-MM-DD] [--region CODE] [--member EMAIL] FILE...

Every file goes through the same validation, cleaning and encryption as an
upload and is audited like one (PHOTO_UPLOADED, source "import"). One line per
file: `stored NAME` (followed by `: ` and what was left out or ignored, when
anything was) or `refused NAME: reason`; a file that cannot be read is refused
and audited like any other. Exit 0 when all were stored, 1 when any was
refused, 2 on bad arguments.

Without --visit-date each photo goes on the visit of the date its camera
recorded (EXIF), or today's; a visit is added when the patient has none on
that date. --region takes a key or a SNOMED CT code from docs/imaging.md
(default: skin_other). The import acts as --member, or as the practice's
longest-serving active owner.
"""

import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from imaging import regions
from imaging.exceptions import ImagingError, PhotoRefused
from imaging.models import Photo
from imaging.services import add_photo, record_photo_refused
from patients import blind_index
from patients.models import Patient
from pixiodoc.accounts.models import Member, Practice

BAD_ARGUMENTS = 2


def bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_ARGUMENTS)


class Command(BaseCommand):
    help = "Import photo files into a patient's timeline (validated and encrypted)."

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="practice slug")
        parser.add_argument(
            "--patient", required=True, help="record number or patient uuid"
        )
        parser.add_argument("--visit-date", help="YYYY-MM-DD (default: capture date)")
        parser.add_argument(
            "--region", default="skin_other", help="region key or SNOMED CT code"
        )
        parser.add_argument("--member", help="e-mail of the member the import acts as")
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, **options):
        practice = Practice.objects.filter(slug=options["practice"]).first()
        if practice is None:
            raise bad(
                _("no practice with slug %(slug)s")
                % {"slug": repr(options["practice"])}
            )
        patient = self._patient(practice, options["patient"])
        region = regions.resolve(options["region"])
        if region is None:
            raise bad(
                _(
                    "unknown body region %(region)s; use a key or SNOMED CT code "
                    "from docs/imaging.md"
                )
                % {"region": repr(options["region"])}
            )
        visit_on = None
        if options["visit_date"]:
            try:
                visit_on = date.fromisoformat(options["visit_date"])
            except ValueError:
                raise bad(_("--visit-date must be YYYY-MM-DD")) from None
        actor = self._actor(practice, options["member"])
        refused = 0
        for name in options["files"]:
            try:
                data, oversize = self._read(Path(name))
                photo = add_photo(
                    actor=actor,
                    patient=patient,
                    visit_on=visit_on or timezone.localdate(),
                    data=data,
                    oversize=oversize,
                    body_region=region.key,
                    source=Photo.Source.IMPORT,
                    place_by_capture_date=visit_on is None,
                )
            except (PhotoRefused, ImagingError) as error:
                refused += 1
                self.stdout.write(
                    _("refused %(name)s: %(reason)s") % {"name": name, "reason": error}
                )
            except OSError as error:
                refused += 1
                record_photo_refused(
                    actor=actor,
                    target=patient,
                    patient=patient,
                    reason="unreadable",
                    source=Photo.Source.IMPORT,
                )
                self.stdout.write(
                    _("refused %(name)s: cannot read the file (%(why)s)")
                    % {"name": name, "why": error.strerror}
                )
            else:
                notes = " ".join(photo.processing_notes)
                self.stdout.write(
                    _("stored %(name)s: %(notes)s") % {"name": name, "notes": notes}
                    if notes
                    else _("stored %(name)s") % {"name": name}
                )
        if refused:
            raise CommandError(
                _("%(refused)s of %(total)s files refused")
                % {"refused": refused, "total": len(options["files"])},
                returncode=1,
            )

    def _patient(self, practice, value: str) -> Patient:
        patients = Patient.objects.filter(practice=practice, blocked_at__isnull=True)
        try:
            found = patients.filter(uuid=uuid.UUID(value)).first()
        except ValueError:
            digests = blind_index.record_number_lookup(value.strip())
            found = patients.filter(record_number_digest__in=digests).first()
        if found is None:
            raise bad(
                _("no such patient in that practice (give a record number or uuid)")
            )
        return found

    def _actor(self, practice, email: str | None) -> Member:
        members = Member.objects.filter(
            practice=practice, is_active=True
        ).select_related("user", "practice")
        if email:
            member = members.filter(user__email__iexact=email).first()
            if member is None or not member.may("edit_patients"):
                raise bad(
                    _("%(email)s is not an active member who may add photos")
                    % {"email": email}
                )
            return member
        member = members.filter(role=Member.Role.OWNER).order_by("pk").first()
        if member is None:
            raise bad(_("the practice has no active owner; give --member EMAIL"))
        return member

    def _read(self, path: Path) -> tuple[bytes, bool]:
        # Never read more than the cap: an oversize file is refused by name.
        if path.stat().st_size > settings.PHOTO_MAX_BYTES:
            return b"", True
        return path.read_bytes(), False
