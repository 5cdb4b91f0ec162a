"""Reads of consent data, always scoped to the member's practice (S8)."""

from django.db.models import QuerySet

from consent.models import Consent, ConsentTemplate
from pixiodoc.accounts.models import Member
from pixiodoc.accounts.permissions import narrowed


def consents_for(*, member: Member) -> QuerySet[Consent]:
    """The one scoping helper: another practice's consent is never in it (404)."""
    consents = Consent.objects.filter(
        patient__practice_id=member.practice_id, patient__blocked_at__isnull=True
    )
    return narrowed(consents, member, patient_field="patient__uuid")


def templates_for(*, member: Member) -> QuerySet[ConsentTemplate]:
    """The practice's form versions, each with its wording in every language."""
    return ConsentTemplate.objects.filter(
        practice_id=member.practice_id
    ).prefetch_related("texts")


def by_title(templates) -> list[ConsentTemplate]:
    """Forms in the order of their titles as the reader sees them (their language)."""
    return sorted(templates, key=lambda t: (t.title.casefold(), t.pk))


def current_templates(*, member: Member) -> list[ConsentTemplate]:
    return by_title(templates_for(member=member).filter(is_current=True))


def consent_history(*, patient) -> list[Consent]:
    """A patient's consents, newest first, with answers, template and witness (4 queries)."""
    return list(
        Consent.objects.filter(patient=patient)
        .select_related("template", "witness__user", "document")
        .prefetch_related("answers", "withdrawals", "template__texts")
        .order_by("-signed_at", "-id")
    )
