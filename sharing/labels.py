"""How the audit pages name share links (audit.lookups.register_labels)."""

from django.utils import formats
from django.utils.translation import gettext

from sharing.models import PatientLink, ShareLink


def share_link_labels(practice, uuids) -> dict:
    rows = ShareLink.objects.filter(practice=practice, uuid__in=uuids)
    return {
        link.uuid: gettext("the link to %(name)s of %(day)s")
        % {"name": link.recipient_name, "day": formats.date_format(link.created_at)}
        for link in rows
    }


def patient_link_labels(practice, uuids) -> dict:
    rows = PatientLink.objects.filter(practice=practice, uuid__in=uuids)
    return {
        link.uuid: gettext("made %(day)s")
        % {"day": formats.date_format(link.created_at)}
        for link in rows
    }


def register() -> None:
    from audit.lookups import register_labels

    register_labels("sharing.sharelink", share_link_labels)
    register_labels("sharing.patientlink", patient_link_labels)
