"""The enrolment QR code, rendered on the server as inline SVG (nothing from another origin)."""

import segno


def svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff")
