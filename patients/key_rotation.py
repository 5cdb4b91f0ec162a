"""Re-wrap patients' data keys under the newest key-encryption key (S19).

Image bytes are untouched: only the small wrapped keys change. Resumable: each
batch commits on its own and only rows still under an older version are
pending, so a stopped run is finished by running it again.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from audit.actions import Action, ActorType
from audit.services import hold_chains, record_event
from patients import blind_index
from patients.models import Patient
from patients.services import reindex
from pixiodoc import crypto
from pixiodoc.accounts.models import Practice
from pixiodoc.rotation import Outcome, rotate_in_batches


def lock_for_rewrite(queryset):
    """Lock only the patient rows themselves, without waiting for any.

    NO KEY UPDATE: inserts that reference a patient (FOR KEY SHARE) go on beside
    it. Nothing is joined, so no practice or member row is locked with it.
    """
    return queryset.select_for_update(skip_locked=True, no_key=True, of=("self",))


@dataclass
class KekRotation:
    newest: int = field(default_factory=crypto.current_kek_version)
    unreadable: list[int] = field(default_factory=list)

    def run(self, *, batch_size: int, wait: float) -> Outcome:
        outcome = rotate_in_batches(
            pending=self.pending, rewrite=self.rewrite, batch_size=batch_size, wait=wait
        )
        # The count asked afresh, unreadable keys included: what the operator must know.
        return Outcome(outcome.rewritten, self.under_older_versions().count())

    def under_older_versions(self):
        # A destroyed key (erasure) has nothing left to re-wrap.
        return Patient.objects.filter(
            kek_version__lt=self.newest, wrapped_data_key__isnull=False
        )

    def pending(self) -> list[int]:
        return list(
            self.under_older_versions()
            .exclude(pk__in=self.unreadable)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    @transaction.atomic
    def rewrite(self, pks: Sequence[int]) -> int:
        candidates = self.under_older_versions().filter(pk__in=pks)
        practices = Practice.objects.in_bulk(
            set(candidates.values_list("practice_id", flat=True))
        )
        hold_chains(practices.values())
        rows = lock_for_rewrite(candidates.order_by("pk"))
        rotated = defaultdict(list)
        for patient in rows:
            owner = str(patient.uuid)
            try:
                key = crypto.unwrap_data_key(
                    patient.wrapped_data_key, version=patient.kek_version, owner=owner
                )
            except crypto.IntegrityError:
                self.unreadable.append(patient.pk)
                continue
            version, wrapped = crypto.wrap_data_key(key, owner=owner)
            # A plain UPDATE: no other field (nor updated_at) changes; audited below.
            Patient.objects.filter(pk=patient.pk).update(
                wrapped_data_key=wrapped, kek_version=version
            )
            rotated[patient.practice_id].append((patient.uuid, patient.kek_version))
        for practice_id, done in rotated.items():
            record_event(
                action=Action.KEYS_ROTATED,
                practice=practices[practice_id],
                actor_type=ActorType.SYSTEM,
                details={
                    "to_version": self.newest,
                    "from_versions": sorted({v for _, v in done}),
                    "patients": [str(u) for u, _ in done],
                },
            )
        return sum(len(done) for done in rotated.values())


class IndexRotation:
    """Rebuild every patient's blind index under the first BLIND_INDEX_KEY.

    What is pending is derived, not stored: a patient whose record-number digest
    is not the current key's. The digest and the index terms change in one
    transaction, so a stopped run leaves each patient whole under one key.
    """

    def run(self, *, batch_size: int, wait: float) -> Outcome:
        return rotate_in_batches(
            pending=self.pending, rewrite=self.rewrite, batch_size=batch_size, wait=wait
        )

    def pending(self) -> list[int]:
        rows = Patient.objects.order_by("pk").values_list(
            "pk", "record_number", "record_number_digest"
        )
        return [
            pk
            for pk, record_number, digest in rows.iterator()
            if blind_index.record_number_digest(record_number) != digest
        ]

    @transaction.atomic
    def rewrite(self, pks: Sequence[int]) -> int:
        candidates = Patient.objects.filter(pk__in=pks)
        practices = Practice.objects.in_bulk(
            set(candidates.values_list("practice_id", flat=True))
        )
        hold_chains(practices.values())
        rebuilt = defaultdict(list)
        for patient in lock_for_rewrite(candidates.order_by("pk")):
            current = blind_index.record_number_digest(patient.record_number)
            if current == patient.record_number_digest:
                continue
            Patient.objects.filter(pk=patient.pk).update(record_number_digest=current)
            reindex(patient)
            rebuilt[patient.practice_id].append(str(patient.uuid))
        for practice_id, uuids in rebuilt.items():
            record_event(
                action=Action.INDEX_REBUILT,
                practice=practices[practice_id],
                actor_type=ActorType.SYSTEM,
                details={"patients": uuids},
            )
        return sum(len(uuids) for uuids in rebuilt.values())
