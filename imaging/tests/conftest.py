import pytest

from imaging.testing import readable_blobs


@pytest.fixture(autouse=True)
def blob_root(settings, tmp_path):
    """Each test stores blobs in its own folder; afterwards none may be readable (S16)."""
    # Members are made with a password: a fast hasher keeps these tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
