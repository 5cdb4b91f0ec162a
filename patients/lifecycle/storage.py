"""Deleting many blobs at once: one request per 1,000 on S3, one unlink each on disk."""

from django.core.files.storage import default_storage

S3_BATCH = 1000


def delete_many(names: list[str]) -> None:
    """Delete the named blobs; names already gone are fine (idempotent)."""
    bucket = getattr(default_storage, "bucket", None)
    normalize = getattr(default_storage, "_normalize_name", None)
    if bucket is None or normalize is None:
        for name in names:
            # FileSystemStorage.delete ignores a file already gone.
            default_storage.delete(name)
        return
    for start in range(0, len(names), S3_BATCH):
        keys = [{"Key": normalize(n)} for n in names[start : start + S3_BATCH]]
        response = bucket.delete_objects(Delete={"Objects": keys, "Quiet": True})
        if response.get("Errors"):
            raise OSError(f"{len(response['Errors'])} blobs could not be deleted")
