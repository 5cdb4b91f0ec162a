class InteropError(Exception):
    """A DICOM, FHIR or PACS rule was broken; the message says what to do."""


class PacsUnavailable(InteropError):
    """The destination could not be reached or did not answer: try again later."""
