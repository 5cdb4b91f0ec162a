"""Links that higher apps add to a photo's page, without imaging naming them.

Register from your AppConfig.ready() (DESIGN.md §1: arrows point down only):

    from imaging.photo_actions import register_photo_action

    register_photo_action(
        label="De-identify for teaching", url_name="teaching:editor", action="edit_teaching"
    )

The viewer shows each link to a member whose role has `action` in the permission
matrix; the URL is reversed with the photo's uuid.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PhotoAction:
    label: str
    url_name: str
    action: str


_actions: dict[str, PhotoAction] = {}


def register_photo_action(*, label: str, url_name: str, action: str) -> None:
    _actions[url_name] = PhotoAction(label=label, url_name=url_name, action=action)


def photo_actions(*, member, photo) -> list[tuple[str, str]]:
    """(label, url) of each registered link this member may follow."""
    return [
        (found.label, reverse(found.url_name, kwargs={"uuid": photo.uuid}))
        for found in _actions.values()
        if member is not None and member.may(found.action)
    ]
