import pytest


@pytest.fixture(autouse=True)
def fast_passcode_hashing(settings):
    """PBKDF2's million rounds cost a second a check; the tests check behaviour, not cost.

    test_passcodes_are_stored_as_django_password_hashes checks the real hasher.
    """
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


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
