"""Reads of patients and visits, always scoped to the member's practice (DESIGN.md §6)."""

from django.db.models import QuerySet

from patients import blind_index
from patients.models import Patient, Visit
from pixiodoc.accounts.models import Member
from pixiodoc.accounts.permissions import narrowed


def patients_for(*, member: Member) -> QuerySet[Patient]:
    """The one scoping helper: another practice's patient is never in it (404, S8).

    Blocked records (erasure under way) are left out: every use stops at once.
    A member reading by break-glass sees the granted patient only (#16).
    """
    patients = Patient.objects.filter(
        practice_id=member.practice_id, blocked_at__isnull=True
    )
    return narrowed(patients, member, patient_field="uuid")


def visits_for(*, member: Member) -> QuerySet[Visit]:
    visits = Visit.objects.filter(
        patient__practice_id=member.practice_id, patient__blocked_at__isnull=True
    )
    return narrowed(visits, member, patient_field="patient__uuid")


def search_patients(*, member: Member, query: str) -> QuerySet[Patient]:
    """Patients whose name tokens, record number or date of birth match every word."""
    patients = patients_for(member=member)
    for options in blind_index.query_digests(query):
        patients = patients.filter(pk__in=blind_index_matches(options))
    return patients


def blind_index_matches(digests: set[str]):
    from patients.models import IndexTerm

    return IndexTerm.objects.filter(digest__in=digests).values("patient_id")


def timeline_visits(*, patient: Patient) -> QuerySet[Visit]:
    return patient.visits.select_related("clinician__user").order_by(
        "-visit_on", "-created_at"
    )


def patient_uuid_for_record_number(practice, record_number: str):
    """The uuid of the practice's patient with this record number, blocked ones too.

    Registered with audit.lookups for the compliance pages (the accounting of
    disclosures covers patients whose erasure is under way).
    """
    digests = blind_index.record_number_lookup(record_number.strip())
    return (
        Patient.objects.filter(practice=practice, record_number_digest__in=digests)
        .values_list("uuid", flat=True)
        .first()
    )


def patients_held(*, practice) -> int:
    """How many records the practice holds (blocked ones excluded), for the Art. 30
    record: a count, whatever the reading member's role may open."""
    return Patient.objects.filter(practice=practice, blocked_at__isnull=True).count()
