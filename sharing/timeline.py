"""The timeline's "Share photos" button (patients.timeline; patients never names us)."""

from django.utils import timezone

from patients.timeline import TimelineSection, register


def patient_context(member, patient, visits, *, query) -> dict:
    if not member.may("create_share"):
        return {"can_share": False}
    from sharing.models import ShareLink

    live = ShareLink.objects.filter(
        patient=patient,
        revoked_at__isnull=True,
        locked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).count()
    return {"can_share": True, "live_links": live, "patient": patient}


def register_sections() -> None:
    register(
        TimelineSection(
            name="sharing",
            place="patient",
            template="sharing/_timeline.html",
            context=patient_context,
            order=50,
        )
    )
