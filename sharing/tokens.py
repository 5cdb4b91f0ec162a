"""Share-link tokens (S21): 256 random bits from `secrets`; only their SHA-256 is stored."""

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits; S21 asks for at least 128
# token_urlsafe(32) is 43 characters of [A-Za-z0-9_-]; anything else is not a token.
TOKEN_ALPHABET = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def looks_like_token(token: str) -> bool:
    return 20 <= len(token) <= 100 and set(token) <= TOKEN_ALPHABET
