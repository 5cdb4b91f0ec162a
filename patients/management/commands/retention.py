"""`manage.py retention [--dry-run] [--practice SLUG]` (DESIGN.md §9, S33).

--dry-run prints, per practice, what the next retention purge would remove and
removes nothing. Without it the purge is queued for the worker (the nightly job
runs the same thing).
"""

from django.core.management.base import BaseCommand, CommandError

from patients.lifecycle import jobs, retention
from pixiodoc.accounts.models import Practice


class Command(BaseCommand):
    help = "Show (--dry-run) or queue the retention purge."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print what the next purge would remove, per practice; remove nothing",
        )
        parser.add_argument("--practice", help="only this practice (its slug)")

    def handle(self, *args, dry_run=False, practice=None, **options):
        practices = Practice.objects.order_by("slug")
        if practice:
            practices = practices.filter(slug=practice)
            if not practices.exists():
                raise CommandError(f"no practice with the slug {practice!r}")
        if not dry_run:
            if practice:
                raise CommandError(
                    "--practice only applies to --dry-run: the purge covers "
                    "every practice"
                )
            from patients.tasks import retention_purge

            if not jobs.send(retention_purge):
                raise CommandError(
                    "the job queue is unreachable: the purge was not queued "
                    "(the nightly run will do it)"
                )
            self.stdout.write("retention purge queued")
            return
        total = 0
        for report in retention.dry_run(practices=list(practices)):
            self._print(report)
            total += len(report.to_purge)
        self.stdout.write(
            f"dry run: {total} record(s) would be removed; nothing was removed"
        )

    def _print(self, report):
        practice = report.practice
        self.stdout.write(
            f"practice {practice.slug} ({practice.name}): keep {report.years} years "
            f"after the last visit, minors until 18 + {report.years}"
        )
        self.stdout.write(
            f"  would remove {len(report.to_purge)} record(s); "
            f"{len(report.held)} kept by a legal hold"
        )
        for record in report.due:
            what = "kept (legal hold)" if record.held else "would remove"
            minor = ", minor rule" if record.minor_rule else ""
            self.stdout.write(
                f"  {what}: patient {record.patient_uuid} last visit "
                f"{record.last_activity:%Y-%m-%d}, due {record.due_on:%Y-%m-%d}"
                f"{minor}, {record.visits} visit(s) and all their photos"
            )
