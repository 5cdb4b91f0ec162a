"""`manage.py rotate_keys`: re-wrap every patient's data key with the newest KEK (S19).

Image bytes are untouched: only the small wrapped keys change. Resumable: each
batch commits on its own and only rows still under an older key version are
picked up, so a stopped run is finished by running it again. Each batch is
audited (Action.KEYS_ROTATED) in its own transaction, per practice.

Roll-out: add the new key as the highest version in KEY_ENCRYPTION_KEYS (keep
the old ones), deploy, run this command until it prints "nothing left", then
drop the old versions.
"""

from collections import defaultdict

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from audit.actions import Action, ActorType
from audit.services import record_event
from pixiodoc import crypto


class Command(BaseCommand):
    help = "Re-wrap every patient's data key with the newest key-encryption key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        newest = crypto.current_kek_version()
        done = 0
        unreadable: list[int] = []
        passed_over: list[int] = []
        while True:
            count, failed, erased = self._batch(
                newest, batch_size, exclude=unreadable + passed_over
            )
            done += count
            unreadable.extend(failed)
            passed_over.extend(erased)
            if count == 0 and not failed and not erased:
                break
        for pk in unreadable:
            self.stderr.write(f"could not unwrap the data key of patient row {pk}")
        if done:
            self.stdout.write(f"re-wrapped {done} data keys to key version {newest}")
        else:
            self.stdout.write(
                f"nothing left: every data key is under key version {newest}"
            )
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} data keys could not be unwrapped: is an old "
                "key version missing from KEY_ENCRYPTION_KEYS?"
            )

    @transaction.atomic
    def _batch(self, newest: int, size: int, *, exclude):
        """Re-wrap one batch; returns (rotated, unreadable pks, erased pks)."""
        patient_model = apps.get_model("patients", "Patient")
        rows = list(
            patient_model.objects.select_for_update(skip_locked=True)
            .filter(kek_version__lt=newest)
            .exclude(Q(wrapped_data_key__isnull=True) | Q(pk__in=exclude))
            .select_related("practice")
            .order_by("pk")[:size]
        )
        by_practice = defaultdict(list)
        failed, erased = [], []
        for patient in rows:
            if not patient.wrapped_data_key:  # destroyed by erasure: nothing to wrap
                erased.append(patient.pk)
                continue
            owner = str(patient.uuid)
            try:
                key = crypto.unwrap_data_key(
                    patient.wrapped_data_key, version=patient.kek_version, owner=owner
                )
            except crypto.IntegrityError:
                failed.append(patient.pk)
                continue
            version, wrapped = crypto.wrap_data_key(key, owner=owner)
            # A plain UPDATE: no other field (nor updated_at) changes; audited below.
            patient_model.objects.filter(pk=patient.pk).update(
                wrapped_data_key=wrapped, kek_version=version
            )
            by_practice[patient.practice].append((patient.uuid, patient.kek_version))
        for practice, rotated in by_practice.items():
            record_event(
                action=Action.KEYS_ROTATED,
                practice=practice,
                actor_type=ActorType.SYSTEM,
                details={
                    "to_version": newest,
                    "from_versions": sorted({v for _, v in rotated}),
                    "patients": [str(u) for u, _ in rotated],
                },
            )
        return sum(len(r) for r in by_practice.values()), failed, erased
