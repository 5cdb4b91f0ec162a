"""`manage.py demo`: the "Demo Clinic" practice, one member per role, synthetic patients.

Idempotent: running it again adds nothing that is already there (DESIGN.md §9).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext

from consent.demo import seed_consents
from imaging.demo import seed_photos
from patients.demo import seed_patients
from pixiodoc.accounts.models import Member, Practice, User

# Synthetic demo accounts only; production never runs the demo.
DEMO_PASSWORD = "demo-clinic-photos"  # noqa: S105
ROLES = ("owner", "clinician", "assistant", "compliance")


class Command(BaseCommand):
    help = (
        "Create the Demo Clinic with a member of each role and 40 synthetic patients."
    )

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=40)

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            # Known passwords on a live site would be a way in for anyone (S41).
            raise CommandError(
                gettext(
                    "demo refuses to run in production: it creates members with a "
                    "published password. Run it on a local copy (no DJANGO_ENV)."
                )
            )
        self._seed(options)

    @transaction.atomic
    def _seed(self, options):
        practice, _ = Practice.objects.get_or_create(
            slug="demo", defaults={"name": "Demo Clinic"}
        )
        members = {role: self._member(practice, role) for role in ROLES}
        clinicians = [members["clinician"], members["owner"]]
        seed_patients(
            practice=practice, clinicians=clinicians, count=options["patients"]
        )
        seed_consents(practice=practice, witness=members["clinician"])
        seed_photos(practice=practice, actor=members["clinician"])
        self.stdout.write(
            gettext("Demo Clinic is ready. Sign in at %(url)s")
            % {"url": "http://127.0.0.1:8000/accounts/login/"}
        )
        for role, member in members.items():
            self.stdout.write(f"{role}: {member.user.email}")
        self.stdout.write(
            gettext("password: %(password)s") % {"password": DEMO_PASSWORD}
        )
        self.stdout.write(
            gettext("The first sign-in of each member sets up its authenticator app.")
        )

    def _member(self, practice, role) -> Member:
        email = f"{role}@demo.pixiodoc.example"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, full_name=f"Demo {role.title()}"
            )
        member, _ = Member.objects.get_or_create(
            user=user, practice=practice, defaults={"role": role}
        )
        return member
