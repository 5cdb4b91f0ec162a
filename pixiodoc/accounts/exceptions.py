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
        from django.utils.translation import gettext, ngettext

        if minutes < 120:
            wait = ngettext("%(count)s minute", "%(count)s minutes", minutes) % {
                "count": minutes
            }
        else:
            hours = minutes // 60
            wait = ngettext("%(count)s hour", "%(count)s hours", hours) % {
                "count": hours
            }
        super().__init__(
            gettext(
                "Too many wrong codes. Verification is paused for %(wait)s; "
                "wait and try again, or ask a practice owner to reset your second factor."
            )
            % {"wait": wait}
        )


class InvitationInvalid(AccountsError):
    def __init__(self):
        from django.utils.translation import gettext

        super().__init__(
            gettext(
                "This invitation link is not valid: it has expired, been used or been "
                "withdrawn. Ask a practice owner to invite you again."
            )
        )
