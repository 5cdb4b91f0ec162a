"""A drawn face that OpenCV's frontal-face cascade finds (no real person's picture).

Checked with opencv-python-headless 4.14's haarcascade_frontalface_default.xml:
found for face sizes from 110 to 170 px on this 640x480 canvas.
"""

import io

from PIL import Image, ImageDraw, ImageFilter

SIZE = (640, 480)
CENTRE = (320, 240)
SCALE = 140
PATIENT_TEXT = "Jane Q. Teachcase · TC-4242"


def face_image(*, scale: int = SCALE) -> Image.Image:
    cx, cy = CENTRE
    s = scale
    image = Image.new("RGB", SIZE, (200, 210, 220))
    draw = ImageDraw.Draw(image)
    draw.ellipse(
        (cx - s * 1.05, cy - s * 1.45, cx + s * 1.05, cy + s * 0.2), fill=(60, 40, 30)
    )
    draw.ellipse(
        (cx - s * 0.9, cy - s * 1.2, cx + s * 0.9, cy + s * 1.2), fill=(225, 180, 150)
    )
    for side in (-1, 1):
        ex = cx + side * s * 0.38
        draw.rectangle(
            (ex - s * 0.25, cy - s * 0.45, ex + s * 0.25, cy - s * 0.37),
            fill=(60, 40, 30),
        )
        draw.ellipse(
            (ex - s * 0.2, cy - s * 0.3, ex + s * 0.2, cy - s * 0.12),
            fill=(255, 255, 255),
        )
        draw.ellipse(
            (ex - s * 0.09, cy - s * 0.3, ex + s * 0.09, cy - s * 0.12),
            fill=(40, 30, 20),
        )
    draw.polygon(
        [
            (cx, cy - s * 0.1),
            (cx - s * 0.12, cy + s * 0.3),
            (cx + s * 0.12, cy + s * 0.3),
        ],
        fill=(200, 150, 120),
    )
    draw.ellipse(
        (cx - s * 0.35, cy + s * 0.5, cx + s * 0.35, cy + s * 0.68), fill=(150, 60, 60)
    )
    return image.filter(ImageFilter.GaussianBlur(s / 40))


def face_jpeg(*, with_metadata: bool = False) -> bytes:
    """The face as a JPEG; with_metadata adds EXIF, a comment and an ICC profile
    that name the patient, as a camera or an export from another system might."""
    out = io.BytesIO()
    options = {"quality": 92}
    if with_metadata:
        exif = Image.Exif()
        exif[0x010E] = PATIENT_TEXT  # ImageDescription
        exif[0x013B] = PATIENT_TEXT  # Artist
        options.update(exif=exif.tobytes(), comment=PATIENT_TEXT.encode())
    face_image().save(out, "JPEG", **options)
    return out.getvalue()
