"""Phone capture: today's visit, and what the camera page starts with (issue 12).

The camera page sends every shot to the visit's upload endpoint
(imaging.views.upload), so the server-side checks (consent, role, S11-S14)
stay exactly where they are; this module only prepares the page.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imaging.exceptions import ImagingError
from imaging.models import Photo
from imaging.selectors import latest_by_region
from imaging.services import record_photos_shown, require_treatment_consent
from patients.models import Patient
from patients.services import visit_on_or_create
from pixiodoc.accounts.models import Member

# A visit made by the camera says so, in the photographer's language (it is
# stored as the visit's reason); the member edits it later if need be.
CAPTURE_VISIT_REASON = gettext_lazy("Photos taken")


def todays_visit(*, actor: Member, patient, request=None):
    """The patient's visit of today (the practice's time zone), made when none exists.

    Refused (ConsentMissing, an ImagingError) without treatment consent or an
    active override: no empty visit for a camera that could not be used.
    """
    if patient.practice_id != actor.practice_id or patient.is_blocked:
        raise ImagingError(_("This patient belongs to another practice."))
    if not actor.may("edit_patients"):
        raise ImagingError(_("Your role may not add photos."))
    require_treatment_consent(patient=patient)
    with transaction.atomic():
        # A double tap must not make two visits: the second waits for the first.
        Patient.objects.select_for_update().filter(pk=patient.pk).values_list(
            "pk"
        ).get()
        return visit_on_or_create(
            actor=actor,
            patient=patient,
            visit_on=timezone.localdate(),
            request=request,
            reason=str(CAPTURE_VISIT_REASON),
        )


@dataclass(frozen=True)
class CaptureStart:
    """The camera page's first state: the last region and side used, and the ghosts."""

    region: str
    side: str
    # "region:side" -> display URL of the newest photo of that region and side.
    ghosts: dict[str, str]


def start_capture(*, member: Member, patient, request=None) -> CaptureStart:
    """What the camera page needs, with the access event for the page (S40).

    The page names the patient and offers the newest photo of each region and
    side as an overlay: one event lists those photos, as for the gallery.
    """
    latest = {
        key: photo
        for key, photo in latest_by_region(member=member, patient=patient).items()
        if ":" in key
    }
    last: Photo | None = max(
        latest.values(), key=lambda p: (p.created_at, p.pk), default=None
    )
    record_photos_shown(
        actor=member,
        patient=patient,
        photos=_unique(latest.values()),
        page="capture",
        request=request,
    )
    return CaptureStart(
        region=last.body_region if last else "",
        side=last.laterality if last else "",
        ghosts={key: photo.url("display") for key, photo in latest.items()},
    )


def _unique(photos) -> list[Photo]:
    return list({photo.pk: photo for photo in photos}.values())
