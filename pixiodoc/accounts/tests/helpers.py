"""Test helpers: compute TOTP codes like a phone would, and walk the sign-in steps."""

import re

from django_otp.oath import totp

from pixiodoc.accounts.models import AuthenticatorDevice
from pixiodoc.testing import PASSWORD


def code_for(device: AuthenticatorDevice, drift: int = 0) -> str:
    return str(totp(device.bin_key, step=30, digits=6, drift=drift)).zfill(6)


def code_from_secret(secret: str, drift: int = 0) -> str:
    import base64

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return str(totp(key, step=30, digits=6, drift=drift)).zfill(6)


def secret_on(page_html: str) -> str:
    return re.search(r'<code id="otp-secret">([A-Z2-7]+)</code>', page_html).group(1)


def password_step(client, user, password=PASSWORD, **extra):
    return client.post(
        "/accounts/login/", {"username": user.email, "password": password}, **extra
    )


def code_step(client, code, **extra):
    return client.post("/accounts/two-factor/", {"code": code}, **extra)


def confirmed_device(user) -> AuthenticatorDevice:
    return AuthenticatorDevice.objects.get(user=user, confirmed=True)
