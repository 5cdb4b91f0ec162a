"""Domain errors of imaging, worded for the person who sees them."""


class ImagingError(Exception):
    """A rule of imaging was broken; the message says what to do next."""


class PhotoRefused(ImagingError):
    """One file was not stored. `reason` is a short PHI-free code for the audit."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


class ConsentMissing(ImagingError):
    """The patient has not consented to photographs for treatment."""
