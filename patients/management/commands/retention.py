"""`manage.py retention [--dry-run] [--practice SLUG]` (DESIGN.md §9, S33).

--dry-run prints, per practice, what the next retention purge would remove and
removes nothing. Without it the purge is queued for the worker (the nightly job
runs the same thing).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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
                raise CommandError(
                    _("no practice with the slug %(slug)s") % {"slug": repr(practice)}
                )
        if not dry_run:
            if practice:
                raise CommandError(
                    _(
                        "--practice only applies to --dry-run: the purge covers "
                        "every practice"
                    )
                )
            from patients.tasks import retention_purge

            if not jobs.send(retention_purge):
                raise CommandError(
                    _(
                        "the job queue is unreachable: the purge was not queued "
                        "(the nightly run will do it)"
                    )
                )
            self.stdout.write(_("retention purge queued"))
            return
        total = 0
        for report in retention.dry_run(practices=list(practices)):
            self._print(report)
            total += len(report.to_purge)
        self.stdout.write(
            _("dry run: %(total)s record(s) would be removed; nothing was removed")
            % {"total": total}
        )

    def _print(self, report):
        practice = report.practice
        self.stdout.write(
            _(
                "practice %(slug)s (%(name)s): keep %(years)s years after the last "
                "visit, minors until 18 + %(years)s"
            )
            % {"slug": practice.slug, "name": practice.name, "years": report.years}
        )
        self.stdout.write(
            "  "
            + _("would remove %(due)s record(s); %(held)s kept by a legal hold")
            % {"due": len(report.to_purge), "held": len(report.held)}
        )
        for record in report.due:
            line = (
                _(
                    "kept (legal hold): patient %(patient)s last visit %(last)s, "
                    "due %(due)s%(minor)s, %(visits)s visit(s) and all their photos"
                )
                if record.held
                else _(
                    "would remove: patient %(patient)s last visit %(last)s, "
                    "due %(due)s%(minor)s, %(visits)s visit(s) and all their photos"
                )
            )
            self.stdout.write(
                "  "
                + line
                % {
                    "patient": record.patient_uuid,
                    "last": f"{record.last_activity:%Y-%m-%d}",
                    "due": f"{record.due_on:%Y-%m-%d}",
                    "minor": _(", minor rule") if record.minor_rule else "",
                    "visits": record.visits,
                }
            )
