import pytest

from imaging.testing import readable_blobs


@pytest.fixture(autouse=True)
def blob_root(settings, tmp_path):
    """Each test stores blobs in its own folder; afterwards none may be readable (S16)."""
    root = tmp_path / "blobs"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "file_permissions_mode": 0o600},
        },
    }
    yield root
    # S16: whatever a test did, nothing stored starts like an image or shows metadata.
    assert readable_blobs(root) == []
