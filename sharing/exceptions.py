class ShareLinkError(Exception):
    """A rule about share links was broken; the message tells the sender what to do."""


class LinkUnavailable(Exception):
    """A recipient request is refused. `reason` goes to the audit log, never to them (S23)."""

    def __init__(self, reason: str, link=None):
        super().__init__(reason)
        self.reason = reason
        self.link = link


class AddressThrottled(Exception):
    """Too many unknown tokens or wrong passcodes from one address (S6)."""
