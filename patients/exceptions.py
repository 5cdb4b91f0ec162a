class PatientError(Exception):
    """A rule about patients or visits was broken; the message tells the user what to do."""
