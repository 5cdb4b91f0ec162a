class PatientError(Exception):
    """A rule about patients or visits was broken; the message tells the user what to do."""


class LifecycleError(PatientError):
    """A retention, erasure or export rule was broken; the message says why and what next."""
