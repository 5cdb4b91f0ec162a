"""Reads for the lifecycle pages, scoped to the member's practice (another practice: 404)."""

from collections import Counter
from uuid import UUID

from django.db import router
from django.db.models import QuerySet
from django.db.models.deletion import Collector

from patients import blind_index
from patients.lifecycle.models import (
    ErasureRequest,
    LegalHold,
    PatientExport,
    SubjectRequest,
)
from patients.models import Patient
from pixiodoc.accounts.models import Member
from pixiodoc.accounts.permissions import narrowed


def erasures_for(*, member: Member) -> QuerySet[ErasureRequest]:
    return ErasureRequest.objects.filter(practice_id=member.practice_id)


def exports_for(*, member: Member) -> QuerySet[PatientExport]:
    exports = PatientExport.objects.filter(practice_id=member.practice_id)
    return narrowed(exports, member, patient_field="patient__uuid")


def holds_for(*, member: Member) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(patient__practice_id=member.practice_id)


def find_patient(*, member: Member, reference: str) -> Patient | None:
    """A patient of the member's practice by uuid or exact record number, else None.

    Compliance officers see no patient lists (DESIGN.md §6), so holds and erasure
    requests name the patient by a reference they already hold.
    """
    reference = reference.strip()
    patients = Patient.objects.filter(practice_id=member.practice_id)
    try:
        return patients.filter(uuid=UUID(reference)).first()
    except ValueError:
        pass
    digests = blind_index.record_number_lookup(reference)
    return patients.filter(record_number_digest__in=digests).first()


def erasure_preview(*, patient: Patient) -> list[tuple[str, int]]:
    """What erasing the patient deletes, counted by kind: every row that hangs off
    the patient (CASCADE) in whichever app owns it, found as `patient.delete()`
    will find it, so this app names none of them. Sorted by kind; the patient's own
    row is left out."""
    collector = Collector(using=router.db_for_write(Patient))
    collector.collect([patient])
    counts: Counter = Counter()
    for model, objects in collector.data.items():
        counts[model] += len(objects)
    for queryset in collector.fast_deletes:
        counts[queryset.model] += queryset.count()
    return sorted(
        (str(model._meta.verbose_name_plural), n)
        for model, n in counts.items()
        if n and model is not Patient
    )


def subject_requests_for(*, member: Member) -> QuerySet[SubjectRequest]:
    return SubjectRequest.objects.filter(practice_id=member.practice_id)
