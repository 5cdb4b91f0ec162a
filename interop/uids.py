"""Stable DICOM UIDs: the same photo always gets the same SOP Instance UID.

UIDs are `<practice root>.<kind>.<row id>[.<n>]`: the root is the practice's
(interop.models.DicomSettings), the row ids never change, so sending again
gives the PACS the same study, series and instance, which it files once.
"""

import re
import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

# A root leaves room for ".2.<10-digit visit id>.<2-digit region>" within 64.
MAX_ROOT = 44
_UID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$")
STUDY, SERIES, INSTANCE = "1", "2", "3"


def validate_uid_root(value: str) -> None:
    if len(value) > MAX_ROOT or not _UID.match(value):
        raise ValidationError(
            gettext(
                "Enter a UID root of digits and dots (no leading zeros), at most "
                "%(most)s characters, e.g. 1.2.826.0.1.3680043.10.123"
            )
            % {"most": MAX_ROOT}
        )


def generated_root() -> str:
    """A root nobody else has: 2.25 followed by a random UUID as an integer."""
    return f"2.25.{uuid.uuid4().int}"


def study_uid(root: str, *, visit_id: int) -> str:
    return f"{root}.{STUDY}.{visit_id}"


def series_uid(root: str, *, visit_id: int, region_number: int) -> str:
    return f"{root}.{SERIES}.{visit_id}.{region_number}"


def instance_uid(root: str, *, photo_id: int) -> str:
    return f"{root}.{INSTANCE}.{photo_id}"
