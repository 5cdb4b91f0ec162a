"""Envelope encryption (DESIGN.md §4, S17-S20). No models, no views.

Each patient has a 256-bit data key, stored only wrapped (AES-256-GCM) by a
versioned key-encryption key (KEK) from settings. Blobs are AES-256-GCM under
the data key with a fresh 96-bit nonce and associated data that binds patient,
object and rendition, so a blob moved to another record fails to decrypt.
"""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

BLOB_MAGIC = b"PXD1"
WRAP_MAGIC = b"PXK1"
NONCE_BYTES = 12


class IntegrityError(Exception):
    """Ciphertext that fails authentication: tampered, moved, or its key is gone (S18)."""


class KeyDestroyed(IntegrityError):
    """The patient's data key was destroyed by erasure (S20)."""


def current_kek_version() -> int:
    return max(settings.KEY_ENCRYPTION_KEYS)


def _kek(version: int) -> bytes:
    try:
        return settings.KEY_ENCRYPTION_KEYS[version]
    except KeyError:
        raise IntegrityError(
            f"key-encryption key version {version} is not configured"
        ) from None


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_data_key(data_key: bytes, *, owner: str) -> tuple[int, bytes]:
    """Wrap a data key under the newest KEK; `owner` (the patient uuid) is bound in."""
    version = current_kek_version()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_kek(version)).encrypt(nonce, data_key, _wrap_aad(owner, version))
    return version, WRAP_MAGIC + nonce + sealed


def unwrap_data_key(wrapped: bytes | None, *, version: int, owner: str) -> bytes:
    if not wrapped:
        raise KeyDestroyed("this record's data key has been destroyed")
    wrapped = bytes(wrapped)
    if not wrapped.startswith(WRAP_MAGIC):
        raise IntegrityError("wrapped key has an unknown format")
    nonce, sealed = wrapped[4 : 4 + NONCE_BYTES], wrapped[4 + NONCE_BYTES :]
    try:
        return AESGCM(_kek(version)).decrypt(nonce, sealed, _wrap_aad(owner, version))
    except InvalidTag:
        raise IntegrityError("wrapped key failed authentication") from None


def _wrap_aad(owner: str, version: int) -> bytes:
    return f"pixiodoc-data-key|{owner}|{version}".encode()


def blob_aad(*, patient: str, obj: str, label: str) -> bytes:
    return f"pixiodoc-blob|{patient}|{obj}|{label}".encode()


def encrypt(data_key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return BLOB_MAGIC + nonce + AESGCM(data_key).encrypt(nonce, plaintext, aad)


def decrypt(data_key: bytes, blob: bytes, aad: bytes) -> bytes:
    if not blob.startswith(BLOB_MAGIC):
        raise IntegrityError("blob has an unknown format")
    nonce, sealed = blob[4 : 4 + NONCE_BYTES], blob[4 + NONCE_BYTES :]
    try:
        return AESGCM(data_key).decrypt(nonce, sealed, aad)
    except InvalidTag:
        raise IntegrityError("blob failed authentication") from None
