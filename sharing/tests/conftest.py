import pytest


@pytest.fixture(autouse=True)
def blob_root(settings, tmp_path):
    """Consent signatures and photos go to a folder of the test's own."""
    root = tmp_path / "blobs"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "file_permissions_mode": 0o600},
        },
    }
    return root
