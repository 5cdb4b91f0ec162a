"""Broken teaching rules, worded for the member: what to do next."""


class TeachingError(Exception):
    """A teaching action was refused; the message says why and what to do."""


class TeachingConsentMissing(TeachingError):
    """The patient has not given (or has withdrawn) the consent this use needs."""
