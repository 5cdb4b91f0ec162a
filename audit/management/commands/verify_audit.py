"""verify_audit [--practice SLUG]: check the hash chains (DESIGN.md §9, S28).

Exit 0 printing `intact: N events` when every chain holds; exit 1 with one line
per broken chain naming its first broken event (its id) and what is wrong.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from audit.alerts import check_chains


class Command(BaseCommand):
    help = "Verify the audit hash chains; exit 1 naming the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("--practice", metavar="SLUG", help="only this practice")

    def handle(self, *args, practice=None, **options):
        from pixiodoc.accounts.models import Practice

        chosen = None
        if practice is not None:
            chosen = Practice.objects.filter(slug=practice).first()
            if chosen is None:
                raise CommandError(
                    gettext("No practice with slug %(slug)r.") % {"slug": practice},
                    returncode=2,
                )
        # The same check as the nightly job: the result is kept for the audit
        # page's banner, and a break alerts the compliance officers.
        results = check_chains(practice=chosen)
        broken = [r for r in results if not r.intact]
        if broken:
            for result in broken:
                self.stdout.write(result.line())
            raise SystemExit(1)
        self.stdout.write(
            gettext("intact: %(count)s events")
            % {"count": sum(r.events for r in results)}
        )
