"""Changes to patients and visits. Each one is atomic and audited in its transaction."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import record_event
from patients import blind_index
from patients.exceptions import PatientError
from patients.models import IndexTerm, Patient, Visit
from pixiodoc import crypto
from pixiodoc.accounts.models import Member

PATIENT_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "record_number",
    "email",
    "phone",
    "notes",
)
VISIT_FIELDS = ("visit_on", "reason", "notes", "clinician")


@transaction.atomic
def create_patient(*, actor: Member, request=None, **fields) -> Patient:
    patient = Patient(practice=actor.practice, created_by=actor, **fields)
    version, wrapped = crypto.wrap_data_key(
        crypto.new_data_key(), owner=str(patient.uuid)
    )
    patient.kek_version, patient.wrapped_data_key = version, wrapped
    _save_with_index(patient)
    record_event(
        action=Action.PATIENT_CREATED,
        actor=actor,
        request=request,
        target=patient,
        patient=patient,
    )
    return patient


@transaction.atomic
def update_patient(
    *, actor: Member, patient: Patient, request=None, **fields
) -> Patient:
    if patient.practice_id != actor.practice_id:
        raise PatientError(_("This patient belongs to another practice."))
    changed = sorted(
        name for name, value in fields.items() if getattr(patient, name) != value
    )
    for name, value in fields.items():
        setattr(patient, name, value)
    _save_with_index(patient)
    # Field names only: the values are PHI (S27).
    record_event(
        action=Action.PATIENT_UPDATED,
        actor=actor,
        request=request,
        target=patient,
        patient=patient,
        details={"fields": changed},
    )
    return patient


def _save_with_index(patient: Patient) -> None:
    patient.record_number = patient.record_number.strip()
    patient.record_number_digest = blind_index.record_number_digest(
        patient.record_number
    )
    patient.full_clean(exclude=["practice", "created_by"])
    _refuse_record_number_under_an_old_index_key(patient)
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError:
        raise PatientError(
            _("Another patient of this practice already has this record number.")
        ) from None
    reindex(patient)


def _refuse_record_number_under_an_old_index_key(patient: Patient) -> None:
    # The unique constraint sees only the current key's digest; while the index
    # key rotates, a record number indexed under an old key is checked here.
    if not blind_index.old_keys():
        return
    taken = Patient.objects.filter(
        practice_id=patient.practice_id,
        record_number_digest__in=blind_index.record_number_lookup(
            patient.record_number
        ),
    ).exclude(pk=patient.pk)
    if taken.exists():
        raise PatientError(
            _("Another patient of this practice already has this record number.")
        )


def index_digests(patient: Patient) -> set[str]:
    digests = blind_index.name_digests(patient.given_name, patient.family_name)
    digests.add(blind_index.record_number_digest(patient.record_number))
    digests.add(blind_index.birth_date_digest(patient.date_of_birth))
    return digests


def reindex(patient: Patient) -> None:
    """Replace the patient's blind-index terms (after an edit or a key rotation)."""
    IndexTerm.objects.filter(patient=patient).delete()
    IndexTerm.objects.bulk_create(
        IndexTerm(patient=patient, digest=d) for d in sorted(index_digests(patient))
    )


@transaction.atomic
def create_visit(
    *,
    actor: Member,
    patient: Patient,
    visit_on: date,
    request=None,
    reason: str = "",
    notes: str = "",
    clinician: Member | None = None,
) -> Visit:
    if patient.practice_id != actor.practice_id:
        raise PatientError(_("This patient belongs to another practice."))
    if clinician is not None and clinician.practice_id != actor.practice_id:
        raise PatientError(_("Choose a clinician of this practice."))
    visit = Visit(
        patient=patient,
        visit_on=visit_on,
        reason=reason,
        notes=notes,
        clinician=clinician,
    )
    visit.full_clean()
    visit.save()
    record_event(
        action=Action.VISIT_CREATED,
        actor=actor,
        request=request,
        target=visit,
        patient=patient,
    )
    return visit


@transaction.atomic
def update_visit(*, actor: Member, visit: Visit, request=None, **fields) -> Visit:
    if visit.patient.practice_id != actor.practice_id:
        raise PatientError(_("This visit belongs to another practice."))
    clinician = fields.get("clinician")
    if clinician is not None and clinician.practice_id != actor.practice_id:
        raise PatientError(_("Choose a clinician of this practice."))
    changed = sorted(
        name for name, value in fields.items() if getattr(visit, name) != value
    )
    for name, value in fields.items():
        setattr(visit, name, value)
    visit.full_clean()
    visit.save()
    record_event(
        action=Action.VISIT_UPDATED,
        actor=actor,
        request=request,
        target=visit,
        patient=visit.patient,
        details={"fields": changed},
    )
    return visit


def visit_on_or_create(
    *,
    actor: Member,
    patient: Patient,
    visit_on: date,
    request=None,
    reason: str = "Imported photos",
) -> Visit:
    """The patient's visit on that date, made when there is none (photo import, capture)."""
    existing = patient.visits.filter(visit_on=visit_on).order_by("created_at").first()
    return existing or create_visit(
        actor=actor,
        patient=patient,
        visit_on=visit_on,
        request=request,
        reason=reason,
    )
