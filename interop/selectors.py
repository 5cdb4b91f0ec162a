"""Reads of PACS destinations and pushes, scoped to the member's practice (S8)."""

from django.db.models import QuerySet

from interop.models import PacsDestination, PacsPush


def destinations_for(*, member) -> QuerySet[PacsDestination]:
    return PacsDestination.objects.filter(practice_id=member.practice_id)


def pushes_for(*, member, patient) -> QuerySet[PacsPush]:
    return PacsPush.objects.filter(
        destination__practice_id=member.practice_id, photo__patient=patient
    )
