import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Members are made per test and the kiosk checks passwords: PBKDF2's real
    # cost would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
