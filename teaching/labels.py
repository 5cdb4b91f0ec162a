"""How the audit pages name teaching images, cases and links (audit.lookups.register_labels)."""

from django.utils import formats
from django.utils.translation import gettext

from teaching.models import TeachingCase, TeachingImage, TeachingShareLink


def image_labels(practice, uuids) -> dict:
    rows = TeachingImage.objects.filter(practice=practice, uuid__in=uuids)
    return {
        image.uuid: gettext("teaching image “%(title)s”") % {"title": image.title}
        for image in rows
    }


def case_labels(practice, uuids) -> dict:
    rows = TeachingCase.objects.filter(practice=practice, uuid__in=uuids)
    return {
        case.uuid: gettext("teaching case “%(title)s”") % {"title": case.title}
        for case in rows
    }


def link_labels(practice, uuids) -> dict:
    rows = TeachingShareLink.objects.filter(practice=practice, uuid__in=uuids)
    return {
        link.uuid: gettext("the teaching link of %(day)s")
        % {"day": formats.date_format(link.created_at)}
        for link in rows
    }


def register() -> None:
    from audit.lookups import register_labels

    register_labels("teaching.teachingimage", image_labels)
    register_labels("teaching.teachingcase", case_labels)
    register_labels("teaching.teachingsharelink", link_labels)
