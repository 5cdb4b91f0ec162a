"""Shared helpers for the imaging benchmarks: a realistic 12-megapixel photo."""

import io

from PIL import Image, ImageDraw, ImageFilter


def twelve_megapixel_jpeg(size=(4000, 3000)) -> bytes:
    """A phone-like 12 MP JPEG: gradients, shapes and sensor-like noise (3–6 MB)."""
    w, h = size
    noise = Image.effect_noise(size, 24).filter(ImageFilter.GaussianBlur(0.6))
    gradient = Image.linear_gradient("L").resize(size)
    red = Image.blend(gradient, noise, 0.35)
    green = Image.blend(gradient.rotate(90).resize(size), noise, 0.3)
    blue = Image.blend(gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), noise, 0.3)
    image = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(image)
    for i in range(40):
        x, y = (i * 97) % w, (i * 61) % h
        draw.ellipse((x, y, x + 300, y + 220), outline=(200, 40 + i * 4, 60), width=8)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()
