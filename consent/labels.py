"""How the audit pages name consents and forms (audit.lookups.register_labels)."""

from django.utils import formats

from consent.models import Consent, ConsentTemplate


def consent_labels(practice, uuids) -> dict:
    rows = Consent.objects.filter(
        patient__practice=practice, uuid__in=uuids
    ).select_related("template")
    return {
        c.uuid: f"“{c.template.title}” v{c.template.version}, signed "
        f"{formats.date_format(c.signed_at)}"
        for c in rows
    }


def template_labels(practice, uuids) -> dict:
    rows = ConsentTemplate.objects.filter(practice=practice, uuid__in=uuids)
    return {t.uuid: f"“{t.title}” v{t.version}" for t in rows}


def register() -> None:
    from audit.lookups import register_labels

    register_labels("consent.consent", consent_labels)
    register_labels("consent.consenttemplate", template_labels)
