"""Domain errors of accounts, worded for the person who sees them."""

import math


class AccountsError(Exception):
    """A broken rule; the message says what to do next."""


class SecondFactorLocked(AccountsError):
    """Too many wrong codes (S6): verification is paused until `until`."""

    def __init__(self, until):
        from django.utils import timezone

        self.until = until
        minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
        wait = f"{minutes} minutes" if minutes < 120 else f"{minutes // 60} hours"
        super().__init__(
            f"Too many wrong codes. Verification is paused for {wait}; "
            "wait and try again, or ask a practice owner to reset your second factor."
        )


class InvitationInvalid(AccountsError):
    def __init__(self):
        super().__init__(
            "This invitation link is not valid: it has expired, been used or been "
            "withdrawn. Ask a practice owner to invite you again."
        )
