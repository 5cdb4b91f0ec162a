"""The enrolment QR code, rendered on the server as inline SVG (nothing from another origin)."""

import base64
from urllib.parse import parse_qs, urlparse

import segno


def svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff")


def secret_of(device) -> str:
    """The base32 secret of the device's otpauth:// URI, for typing by hand."""
    query = parse_qs(urlparse(device.config_url).query)
    return (
        query["secret"][0]
        if "secret" in query
        else base64.b32encode(device.bin_key).decode()
    )
