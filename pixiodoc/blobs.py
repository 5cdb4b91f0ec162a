"""Encrypted blob store on Django's default storage (DESIGN.md §5).

Every blob of a patient lives under `patients/<patient uuid>/` with a random
name, encrypted with that patient's data key. A key holder is any object with
`uuid`, `wrapped_data_key` and `kek_version` (the Patient model); this module
names no app.
"""

import errno
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


class BlobWriteError(Exception):
    """The storage refused a write (disk full, S3 down); nothing of it was kept.

    `reason` names the storage error (an errno name, an S3 error code), no PHI.
    """

    def __init__(self, reason: str):
        super().__init__(f"blob not stored: {reason}")
        self.reason = reason


def storage_error(exc: BaseException) -> str:
    """Which storage error it was, for logs: ENOSPC, SlowDown, EndpointConnectionError."""
    if isinstance(exc, OSError) and exc.errno in errno.errorcode:
        return errno.errorcode[exc.errno]
    response = getattr(exc, "response", None)  # botocore's ClientError
    if isinstance(response, dict) and response.get("Error", {}).get("Code"):
        return str(response["Error"]["Code"])
    return type(exc).__name__


def new_blob_name(holder: KeyHolder) -> str:
    return f"{prefix_for(holder.uuid)}{secrets.token_hex(16)}"


def save_blob(
    holder: KeyHolder,
    *,
    obj,
    label: str,
    plaintext: bytes,
    name: str = "",
    key: bytes | None = None,
) -> str:
    """Encrypt and store; returns the storage name to keep on the owning row.

    Give `name` (from new_blob_name) to record it on the row before writing. A
    failed write removes what it wrote and raises BlobWriteError. `key` replaces
    the holder's data key for a blob that must be erasable on its own (a photo
    waiting in a tray): destroying that key alone makes every copy unreadable.
    """
    aad = crypto.blob_aad(patient=str(holder.uuid), obj=str(obj), label=label)
    ciphertext = crypto.encrypt(key or data_key(holder), plaintext, aad)
    name = name or new_blob_name(holder)
    try:
        return default_storage.save(name, ContentFile(ciphertext))
    except Exception as exc:  # noqa: BLE001 - any storage failure: clean up, say which
        reason = storage_error(exc)
        logger.error("blob write failed for patient %s: %s", holder.uuid, reason)
        discard([name])
        raise BlobWriteError(reason) from exc


def read_blob(
    holder: KeyHolder, *, obj, label: str, name: str, key: bytes | None = None
) -> bytes:
    """Fetch and decrypt; raises crypto.IntegrityError (logged) on any tampering (S18)."""
    aad = crypto.blob_aad(patient=str(holder.uuid), obj=str(obj), label=label)
    with default_storage.open(name, "rb") as handle:
        ciphertext = handle.read()
    try:
        return crypto.decrypt(key or data_key(holder), ciphertext, aad)
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


def discard(names: list[str]) -> None:
    """Delete blobs whose row never committed; what the storage refuses to delete
    now is left to the orphan sweep (the original error matters more)."""
    for name in names:
        try:
            delete_blob(name)
        except Exception as exc:  # noqa: BLE001 - logged; the sweep removes it later
            logger.warning("could not remove blob %s: %s", name, storage_error(exc))


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
