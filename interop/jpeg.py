"""What a JPEG stream is, read from its markers without decoding it.

DICOM needs to know the frame size, the components and their sampling to
describe encapsulated JPEG bytes (PS3.5 8.2.1, A.4.1), and only a baseline
(SOF0) 8-bit stream may be sent under the JPEG Baseline transfer syntax.
"""

import struct
from dataclasses import dataclass

from django.utils.translation import gettext

from interop.exceptions import InteropError

SOF_BASELINE = 0xC0
# Every start-of-frame marker (C4 is DHT, C8 JPG and CC DAC are not frames).
SOF_MARKERS = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
STANDALONE = {0x01, *range(0xD0, 0xD8)}


@dataclass(frozen=True)
class JpegFrame:
    width: int
    height: int
    components: int
    precision: int
    subsampled: bool


def read_frame(data: bytes) -> JpegFrame:
    """The frame header of a baseline JPEG; InteropError for anything else."""
    if data[:2] != b"\xff\xd8":
        raise InteropError(gettext("The stored original is not a JPEG file."))
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            break
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in STANDALONE:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in SOF_MARKERS:
            if marker != SOF_BASELINE:
                raise InteropError(
                    gettext(
                        "The stored original is not a baseline JPEG; it cannot be sent "
                        "under the JPEG Baseline transfer syntax."
                    )
                )
            precision, height, width, count = struct.unpack(
                ">BHHB", data[at + 4 : at + 10]
            )
            factors = {
                data[at + 11 + 3 * i] for i in range(count)
            }  # (h << 4 | v) per component
            return JpegFrame(
                width=width,
                height=height,
                components=count,
                precision=precision,
                subsampled=len(factors) > 1,
            )
        if marker == 0xDA:  # start of scan before any frame header
            break
        at += 2 + length
    raise InteropError(gettext("The stored original JPEG has no frame header."))
