"""The export sections `patients` contributes itself: the record, visits, access history."""

from audit.models import AccessEvent
from patients import timeline
from patients.exports import ExportPart, register_section
from patients.models import Patient


def record_section(patient: Patient) -> ExportPart:
    visits = patient.visits.select_related("clinician__user").order_by("visit_on")
    return ExportPart(
        data={
            "uuid": str(patient.uuid),
            "given_name": patient.given_name,
            "family_name": patient.family_name,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": patient.sex,
            "record_number": patient.record_number,
            "email": patient.email,
            "phone": patient.phone,
            "notes": patient.notes,
            "created_at": patient.created_at.isoformat(),
            "visits": [
                {
                    "uuid": str(v.uuid),
                    "visit_on": v.visit_on.isoformat(),
                    "reason": v.reason,
                    "notes": v.notes,
                    "clinician": v.clinician.user.display_name if v.clinician else "",
                }
                for v in visits
            ],
        }
    )


def access_history_section(patient: Patient) -> ExportPart:
    """Who did what with the record (GDPR Art. 15(1)(c): the recipients)."""
    events = (
        AccessEvent.objects.filter(patient_uuid=patient.uuid)
        .select_related("member__user")
        .order_by("created_at", "seq")
    )
    return ExportPart(
        data=[
            {
                "at": e.created_at.isoformat(),
                "action": e.action,
                "by": e.member.user.display_name if e.member else e.actor_type,
                "role": e.member.role if e.member else "",
                "object_type": e.object_type,
                "object_uuid": str(e.object_uuid) if e.object_uuid else None,
                "outcome": e.outcome,
            }
            for e in events
        ]
    )


def timeline_actions(member, patient, visits, *, query) -> dict:
    """Export and erasure actions on the timeline; two queries whatever the visits."""
    from patients.lifecycle.models import ErasureRequest, LegalHold

    return {
        "may_request_erasure": member.may("request_erasure"),
        "hold": LegalHold.objects.filter(
            patient=patient, released_at__isnull=True
        ).first(),
        "open_erasure": ErasureRequest.objects.filter(
            patient_uuid=patient.uuid, status__in=ErasureRequest.OPEN
        ).first(),
    }


def register() -> None:
    register_section("patient", record_section, order=0)
    register_section("access_history", access_history_section, order=1000)
    timeline.register(
        timeline.TimelineSection(
            name="lifecycle",
            place="end",
            template="patients/lifecycle/_timeline_actions.html",
            context=timeline_actions,
            order=900,
        )
    )
