"""How the audit pages name consents and forms (audit.lookups.register_labels)."""

from django.utils import formats
from django.utils.translation import gettext as _

from consent.models import Consent, ConsentTemplate


def consent_labels(practice, uuids) -> dict:
    rows = (
        Consent.objects.filter(patient__practice=practice, uuid__in=uuids)
        .select_related("template")
        .prefetch_related("template__texts")
    )
    return {
        c.uuid: _("“%(title)s” v%(version)s, signed %(date)s")
        % {
            "title": c.text.title,
            "version": c.template.version,
            "date": formats.date_format(c.signed_at),
        }
        for c in rows
    }


def template_labels(practice, uuids) -> dict:
    rows = ConsentTemplate.objects.filter(
        practice=practice, uuid__in=uuids
    ).prefetch_related("texts")
    return {
        t.uuid: _("“%(title)s” v%(version)s") % {"title": t.title, "version": t.version}
        for t in rows
    }


def register() -> None:
    from audit.lookups import register_labels

    register_labels("consent.consent", consent_labels)
    register_labels("consent.consenttemplate", template_labels)
