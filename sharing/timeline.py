"""The timeline's "Share photos" button (patients.timeline; patients never names us)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.checks import SECOND_OPINION, TREATMENT, has_consent
from patients.timeline import TimelineSection, register

WHY_NOT = _(
    "This patient has not given (or has withdrawn) consent to second-opinion "
    "sharing. Record a consent that grants it first."
)


def patient_context(member, patient, visits, *, query) -> dict:
    if not member.may("create_share"):
        return {"can_share": False}
    from sharing.models import ShareLink

    # Consent before work: say why sharing is closed instead of offering a form
    # that would refuse (the create view and every open still check it).
    if not has_consent(patient, SECOND_OPINION):
        return {"can_share": False, "why_not": WHY_NOT, "patient": patient}

    live = ShareLink.objects.filter(
        patient=patient,
        revoked_at__isnull=True,
        locked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).count()
    return {"can_share": True, "live_links": live, "patient": patient}


def patient_link_context(member, patient, visits, *, query) -> dict:
    """The "Patient link" button and the patient's live links (issue 15)."""
    if not member.may("patient_link"):
        return {"can_link": False}
    from sharing.patient_links import live_links

    return {
        "can_link": has_consent(patient, TREATMENT),
        "patient": patient,
        "links": list(live_links(patient=patient)),
    }


def register_sections() -> None:
    register(
        TimelineSection(
            name="patient_links",
            place="patient",
            template="sharing/patient/_timeline.html",
            context=patient_link_context,
            order=55,
        )
    )
    register(
        TimelineSection(
            name="sharing",
            place="patient",
            template="sharing/_timeline.html",
            context=patient_context,
            order=50,
        )
    )
