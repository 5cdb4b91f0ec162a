"""The photos on a patient's timeline: a bar above the visits and a strip per visit.

Registered from ImagingConfig.ready(). One query for all the patient's photos
whatever the number of visits, and one audit event listing the photos shown.
"""

from imaging import covering, regions
from imaging.selectors import patient_photos
from imaging.services import record_photos_shown
from patients.timeline import TimelineSection, register


def patient_context(member, patient, visits) -> dict:
    return {
        "patient": patient,
        "regions": regions.CHOICES,
        "may_edit": member.may("edit_patients"),
    }


def visit_context(member, patient, visits) -> dict:
    # Only what the strip shows: each encrypted field loaded costs a decryption.
    photos = list(
        patient_photos(member=member, patient=patient)
        .defer("note", "deletion_reason", "visit__reason", "visit__notes")
        .order_by("created_at", "id")
    )
    by_visit: dict[int, dict] = {}
    for photo in photos:
        token = covering.cover_token(member=member, photo=photo)
        entry = by_visit.setdefault(photo.visit_id, {"photos": []})
        entry["photos"].append((photo, f"{photo.url('thumb')}?c={token}"))
    if photos:
        record_photos_shown(
            actor=member, patient=patient, photos=photos, page="timeline"
        )
    may_edit = member.may("edit_patients")
    return {
        visit.pk: {**by_visit.get(visit.pk, {"photos": []}), "may_edit": may_edit}
        for visit in visits
    }


def register_sections() -> None:
    register(
        TimelineSection(
            name="imaging-bar",
            place="patient",
            template="imaging/_patient_bar.html",
            context=patient_context,
            order=50,
        )
    )
    register(
        TimelineSection(
            name="imaging-photos",
            place="visit",
            template="imaging/_visit_photos.html",
            context=visit_context,
            order=10,
        )
    )
