class ShareLinkError(Exception):
    """A rule about share links was broken; the message tells the sender what to do."""


class LinkUnavailable(Exception):
    """A recipient request is refused. `reason` goes to the audit log, never to them (S23)."""

    def __init__(self, reason: str, link=None):
        super().__init__(reason)
        self.reason = reason
        self.link = link


class WrongPasscode(LinkUnavailable):
    """A wrong passcode on a live link: the recipient may try again `tries_left` times.

    S23 as written: whoever holds the 256-bit token already knows the link
    exists, so saying the passcode was wrong leaks nothing; the photos stay shut.
    """

    def __init__(self, link, *, tries_left: int):
        super().__init__("wrong_passcode", link)
        self.tries_left = tries_left


class AddressThrottled(Exception):
    """Too many unknown tokens or wrong passcodes from one address (S6)."""
