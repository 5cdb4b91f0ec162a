"""The photos on a patient's timeline: a bar above the visits and a strip per visit.

Registered from ImagingConfig.ready(). One query for all the patient's photos
whatever the number of visits, and one audit event listing the photos shown.
The bar's filter (body region, tag) narrows the timeline itself: its query
string reaches both sections, the strips show only matching photos and a visit
with none is hidden.
"""

from consent.checks import capture_allowed
from imaging import covering, regions
from imaging.forms import FilterForm
from imaging.selectors import filter_photos, patient_photos
from imaging.services import record_photos_shown
from patients.timeline import TimelineSection, register


def photo_filter(query) -> tuple[FilterForm, str, str]:
    """The bar's form and the (region, tag) it asks for; an invalid filter shows all."""
    form = FilterForm(query or None, auto_id="photo-filter-%s")
    if not form.is_bound or not form.is_valid():
        return form, "", ""
    return form, form.cleaned_data["region"], form.cleaned_data["tag"].strip().lower()


def patient_context(member, patient, visits, *, query) -> dict:
    form, region, tag = photo_filter(query)
    return {
        "patient": patient,
        "form": form,
        "filtered": bool(region or tag),
        "region_label": regions.label(region) if region else "",
        "tag": tag,
        "may_edit": member.may("edit_patients"),
        # Consent before work: the camera is offered only where it may be used.
        "capture_allowed": member.may("edit_patients") and capture_allowed(patient),
    }


def new_photos(query) -> set[str]:
    """The photos the camera page just stored (`?new=uuid,uuid`): marked on the strip."""
    return set(query.get("new", "").split(",")) - {""} if query else set()


def visit_context(member, patient, visits, *, query) -> dict:
    _, region, tag = photo_filter(query)
    # Only what the strip shows: each encrypted field loaded costs a decryption.
    photos = filter_photos(
        patient_photos(member=member, patient=patient)
        .defer("note", "deletion_reason", "visit__reason", "visit__notes")
        .order_by("created_at", "id"),
        region=region,
        tag=tag,
    )
    by_visit: dict[int, list] = {}
    new = new_photos(query)
    for photo in photos:
        photo.is_new = str(photo.uuid) in new
        token = covering.cover_token(member=member, photo=photo)
        by_visit.setdefault(photo.visit_id, []).append(
            (photo, f"{photo.url('thumb')}?c={token}")
        )
    if photos:
        record_photos_shown(
            actor=member, patient=patient, photos=photos, page="timeline"
        )
    may_edit = member.may("edit_patients")
    may_capture = may_edit and capture_allowed(patient)
    filtered = bool(region or tag)
    return {
        visit.pk: {
            "photos": by_visit.get(visit.pk, []),
            "no_match": filtered and visit.pk not in by_visit,
            "may_edit": may_edit,
            "may_capture": may_capture,
        }
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
