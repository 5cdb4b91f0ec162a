"""Domain errors of accounts, worded for the person who sees them."""


class AccountsError(Exception):
    """A broken rule; the message says what to do next."""


class SecondFactorLocked(AccountsError):
    """Too many wrong codes (S6): verification is paused until `until`."""

    def __init__(self, until):
        self.until = until
        super().__init__(
            "Too many wrong codes. Verification is paused for 15 minutes; "
            "wait and try again, or ask a practice owner to reset your second factor."
        )


class InvitationInvalid(AccountsError):
    def __init__(self):
        super().__init__(
            "This invitation link is not valid: it has expired, been used or been "
            "withdrawn. Ask a practice owner to invite you again."
        )
