"""Passcodes: generated, shown to the sender once, stored only as a Django password hash."""

import secrets

from django.contrib.auth.hashers import check_password, make_password

# No 0/O, 1/l/I: the sender reads it out over the phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10  # about 49 bits: with five tries per link, guessing is hopeless


def new_passcode() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def hash_passcode(passcode: str) -> str:
    return make_password(normalise(passcode))


def passcode_matches(passcode: str, hashed: str) -> bool:
    if not hashed:
        return False
    return check_password(normalise(passcode), hashed)


def normalise(passcode: str) -> str:
    """Forgive spaces, dashes and case: people retype it from a message or a call."""
    return "".join(ch for ch in passcode.upper() if ch.isalnum())
