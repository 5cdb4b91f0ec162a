"""A link's state as the sender sees it: open, or closed and why (issue 6, item 5)."""

from dataclasses import dataclass

from django.utils.translation import pgettext

from sharing.access import closed_reason
from sharing.models import ShareLink


@dataclass(frozen=True)
class LinkStatus:
    is_open: bool
    reason: str  # a ShareLink.Reason value, "" while open
    label: str


def status_of(link: ShareLink) -> LinkStatus:
    reason = closed_reason(link) or (
        ShareLink.Reason.EXHAUSTED if link.is_exhausted else None
    )
    if reason is None:
        return LinkStatus(True, "", pgettext("link status", "Open"))
    return LinkStatus(False, str(reason), ShareLink.Reason(reason).label)
