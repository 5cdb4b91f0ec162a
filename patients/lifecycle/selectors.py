"""Reads for the lifecycle pages, scoped to the member's practice (another practice: 404)."""

from uuid import UUID

from django.db.models import QuerySet

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


def subject_requests_for(*, member: Member) -> QuerySet[SubjectRequest]:
    return SubjectRequest.objects.filter(practice_id=member.practice_id)
