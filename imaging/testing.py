"""Test helpers kept in the package so browser tests and benchmarks can use them."""

from pathlib import Path

from imaging.tests.images import SIGNATURES

METADATA_MARKERS = (
    b"Exif",
    b"JFIF",
    b"<x:xmpmeta",
    b"http://ns.adobe.com",
    b"ICC_PROFILE",
)


def readable_blobs(root: Path) -> list[str]:
    """Stored files that start like an image or carry readable metadata (S16)."""
    found = []
    for path in Path(root).rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data.startswith(SIGNATURES) or any(m in data for m in METADATA_MARKERS):
            found.append(str(path.relative_to(root)))
    return found
