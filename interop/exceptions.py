class InteropError(Exception):
    """A DICOM, FHIR or PACS rule was broken; the message says what to do."""


class PacsUnavailable(InteropError):
    """The destination could not be reached or did not answer: try again later."""


class PushDenied(InteropError):
    """The photo may not be sent now (consent withdrawn, photo deleted, erasure)."""
