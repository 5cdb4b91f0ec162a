"""`manage.py pacs_push --practice SLUG --patient RECORD --destination NAME [--visit-date D]`.

Sends the patient's photos (or one visit's) to a PACS destination with the
same code as the job (interop.pushes.deliver_all: one connection to the PACS
for all the photos), in this process, and waits: one line per photo, `sent
UID` or `failed UID: reason`. Exit 0 when all were sent, 1 when any failed, 2
on bad arguments. Requested and audited as the owner.
"""

from django.core.management.base import BaseCommand, CommandError

from interop import cli
from interop.exceptions import InteropError
from interop.pushes import deliver_all, push_photos
from interop.selectors import destinations_for
from patients.selectors import timeline_visits


class Command(BaseCommand):
    help = "Send a patient's photos to a PACS destination and wait."

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="practice slug")
        parser.add_argument("--patient", required=True, help="record number")
        parser.add_argument("--destination", required=True, help="destination name")
        parser.add_argument("--visit-date", help="YYYY-MM-DD: only that visit")

    def handle(self, *args, **options):
        owner = cli.acting_owner(cli.practice(options["practice"]))
        patient = cli.patient(owner, options["patient"])
        destination = (
            destinations_for(member=owner).filter(name=options["destination"]).first()
        )
        if destination is None:
            raise cli.bad(f"no destination named {options['destination']!r}")
        visit = None
        if visit_on := cli.visit_date(options["visit_date"]):
            visit = timeline_visits(patient=patient).filter(visit_on=visit_on).first()
            if visit is None:
                raise cli.bad(f"the patient has no visit on {visit_on}")
        try:
            pushes = push_photos(
                actor=owner,
                destination=destination,
                patient=patient,
                visit=visit,
                enqueue=False,
            )
        except InteropError as error:
            raise CommandError(str(error), returncode=1) from None
        failed = 0
        for push in deliver_all(push_uuids=[str(p.uuid) for p in pushes]):
            if push.status == push.Status.SENT:
                self.stdout.write(f"sent {push.sop_instance_uid}")
            else:
                failed += 1
                self.stdout.write(f"failed {push.sop_instance_uid}: {push.reason}")
        if failed:
            raise CommandError(f"{failed} of {len(pushes)} not sent", returncode=1)
