class ConsentError(Exception):
    """A consent rule was broken; the message tells the user what to do next."""


class ConsentRequired(ConsentError):
    """The patient has not consented to this purpose (S30); the message says how to fix it."""

    def __init__(self, message: str, *, purpose: str):
        super().__init__(message)
        self.purpose = purpose


class ConsentImmutable(ConsentError):
    """A signed consent can never be edited (S30): record a new one or a withdrawal."""
