"""Encrypted blob store on Django's default storage (DESIGN.md §5).

Every blob of a patient lives under `patients/<patient uuid>/` with a random
name, encrypted with that patient's data key. A key holder is any object with
`uuid`, `wrapped_data_key` and `kek_version` (the Patient model); this module
names no app.
"""

import logging
import secrets
from typing import Protocol
from uuid import UUID

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from pixiodoc import crypto

logger = logging.getLogger(__name__)


class KeyHolder(Protocol):
    uuid: UUID
    wrapped_data_key: bytes | None
    kek_version: int


def prefix_for(patient_uuid) -> str:
    return f"patients/{patient_uuid}/"


def data_key(holder: KeyHolder) -> bytes:
    return crypto.unwrap_data_key(
        holder.wrapped_data_key, version=holder.kek_version, owner=str(holder.uuid)
    )


def save_blob(holder: KeyHolder, *, obj, label: str, plaintext: bytes) -> str:
    """Encrypt and store; returns the storage name to keep on the owning row."""
    aad = crypto.blob_aad(patient=str(holder.uuid), obj=str(obj), label=label)
    ciphertext = crypto.encrypt(data_key(holder), plaintext, aad)
    name = f"{prefix_for(holder.uuid)}{secrets.token_hex(16)}"
    return default_storage.save(name, ContentFile(ciphertext))


def read_blob(holder: KeyHolder, *, obj, label: str, name: str) -> bytes:
    """Fetch and decrypt; raises crypto.IntegrityError (logged) on any tampering (S18)."""
    aad = crypto.blob_aad(patient=str(holder.uuid), obj=str(obj), label=label)
    with default_storage.open(name, "rb") as handle:
        ciphertext = handle.read()
    try:
        return crypto.decrypt(data_key(holder), ciphertext, aad)
    except crypto.IntegrityError as exc:
        logger.error(
            "blob integrity failure: patient %s object %s %s: %s",
            holder.uuid,
            obj,
            label,
            exc,
        )
        raise


def delete_blob(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)


def blob_names(patient_uuid) -> list[str]:
    """Every stored name under a patient's prefix (erasure and export walk this)."""
    prefix = prefix_for(patient_uuid)
    names: list[str] = []
    pending = [prefix.rstrip("/")]
    while pending:
        folder = pending.pop()
        try:
            dirs, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        names.extend(f"{folder}/{f}" for f in files)
        pending.extend(f"{folder}/{d}" for d in dirs)
    return names
