"""How the accounting of disclosures describes share-link opens and downloads (#16).

Registered with audit.disclosures: audit reads the events, sharing names the
recipient (a person outside the practice, held encrypted on the link).
"""

from django.utils import formats
from django.utils.translation import gettext, ngettext

from audit.actions import Action
from audit.disclosures import Described, register_disclosure
from sharing.models import ShareLink


def _links(practice, events) -> dict:
    uuids = {e.actor_uuid for e in events if e.actor_uuid}
    rows = ShareLink.objects.filter(practice=practice, uuid__in=uuids)
    return {link.uuid: link for link in rows.select_related("created_by__user")}


def _recipient(link) -> str:
    return f"{link.recipient_name} <{link.recipient_email}>"


def _purpose(link) -> str:
    sender = (
        link.created_by.user.display_name if link.created_by else gettext("a member")
    )
    return gettext("Second opinion (share link), sent by %(sender)s on %(day)s") % {
        "sender": sender,
        "day": formats.date_format(link.created_at),
    }


def _what_was_shown(photos: int, link) -> str:
    shown = ngettext(
        "%(count)s photograph shown, watermarked",
        "%(count)s photographs shown, watermarked",
        photos,
    ) % {"count": photos}
    if link.include_identity:
        shown += gettext(", with the patient's name")
    else:
        shown += gettext(", no name")
    if link.allow_download:
        shown += gettext("; download allowed")
    return shown


def describe_opens(practice, events) -> dict:
    links = _links(practice, events)
    found = {}
    for event in events:
        link = links.get(event.actor_uuid)
        if link is None:
            continue
        photos = link.photos.count()
        found[event.uuid] = Described(
            recipient=_recipient(link),
            what=_what_was_shown(photos, link),
            purpose=_purpose(link),
        )
    return found


def describe_downloads(practice, events) -> dict:
    links = _links(practice, events)
    return {
        event.uuid: Described(
            recipient=_recipient(links[event.actor_uuid]),
            what=gettext("1 photograph downloaded, watermarked"),
            purpose=_purpose(links[event.actor_uuid]),
        )
        for event in events
        if event.actor_uuid in links
    }


def new_open(event) -> bool:
    """A look again within the same open is recorded too, but is no new disclosure."""
    return event.details.get("new_open", True)


def register() -> None:
    register_disclosure(Action.SHARE_OPENED, describe_opens, counts=new_open)
    register_disclosure(Action.SHARE_DOWNLOADED, describe_downloads)
