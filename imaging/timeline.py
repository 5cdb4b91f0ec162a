"""The photos on a patient's timeline: a bar above the visits and a strip per visit.

Registered from ImagingConfig.ready(). One query for all the patient's photos
whatever the number of visits, one for the tags of those on the first screen,
and one audit event listing the photos shown.
The bar's filter (body region, tag) narrows the timeline itself: its query
string reaches both sections, the strips show only matching photos and a visit
with none is hidden.
"""

from django.http import QueryDict
from django.utils import timezone

from consent.checks import capture_allowed
from imaging import regions, tray
from imaging.forms import FilterForm
from imaging.models import Photo
from imaging.paths import covered_thumbnail_url, viewer_path
from imaging.selectors import filter_photos, photos_for
from imaging.services import record_photos_shown
from patients.timeline import TimelineSection, register

# A phone's first screen holds a visit or two: the timeline renders, decrypts,
# signs and audits this many photos (whole visits), and folds later visits to a
# "Show N photos" link (`?show=<visit uuid>`, or `?show=all`), so that a long
# timeline costs about what a short one does.
FIRST_SCREEN_PHOTOS = 24
SHOW = "show"
# What a strip shows, none of it encrypted; tags are loaded for the photos shown.
LISTED_FIELDS = ("id", "uuid", "visit_id", "body_region", "laterality", "created_at")


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
    expanded = set(query.getlist(SHOW)) if query else set()
    # One query for every photo of the patient, without its encrypted fields
    # unless the tag filter needs them: each one loaded costs a decryption.
    rows = (
        photos_for(member=member).filter(patient=patient).order_by("created_at", "id")
    )
    rows = rows.only(*LISTED_FIELDS, *(["tags"] if tag else []))
    by_visit: dict[int, list] = {}
    new = new_photos(query)
    for photo in filter_photos(rows, region=region, tag=tag):
        photo.is_new = str(photo.uuid) in new
        by_visit.setdefault(photo.visit_id, []).append(photo)
    shown, folded = first_screen(visits, by_visit, expanded=expanded)
    if not tag:
        _load_tags(shown)
    if shown:
        record_photos_shown(
            actor=member, patient=patient, photos=shown, page="timeline"
        )
    may_edit = member.may("edit_patients")
    may_capture = may_edit and capture_allowed(patient)
    filtered = bool(region or tag)
    return {
        visit.pk: {
            "photos": [
                (
                    photo,
                    covered_thumbnail_url(member=member, photo=photo),
                    viewer_path(photo.uuid),
                )
                for photo in by_visit.get(visit.pk, [])
            ]
            if visit.pk not in folded
            else [],
            "folded": len(by_visit[visit.pk]) if visit.pk in folded else 0,
            "show_url": _show_url(query, visit) if visit.pk in folded else "",
            "no_match": filtered and visit.pk not in by_visit,
            "may_edit": may_edit,
            "may_capture": may_capture,
        }
        for visit in visits
    }


def first_screen(visits, by_visit, *, expanded) -> tuple[list, set]:
    """(photos shown, pks of visits folded): the visits in timeline order are shown
    whole until FIRST_SCREEN_PHOTOS are on the page; later visits with photos are
    folded to a link that shows them, unless the query expands them (or "all")."""
    shown, folded = [], set()
    for visit in visits:
        photos = by_visit.get(visit.pk, [])
        if (
            len(shown) < FIRST_SCREEN_PHOTOS
            or "all" in expanded
            or str(visit.uuid) in expanded
        ):
            shown.extend(photos)
        elif photos:
            folded.add(visit.pk)
    return shown, folded


def _load_tags(photos) -> None:
    """Decrypt the tags of the photos shown, and only those, in one query."""
    if not photos:
        return
    tags = dict(
        Photo.objects.filter(pk__in=[p.pk for p in photos]).values_list("pk", "tags")
    )
    for photo in photos:
        photo.tags = tags[photo.pk]


def _show_url(query, visit) -> str:
    """The timeline as it is, with this visit's photos shown too, scrolled to it."""
    wanted = query.copy() if query else QueryDict(mutable=True)
    wanted.setlist(SHOW, [*wanted.getlist(SHOW), str(visit.uuid)])
    return f"?{wanted.urlencode()}#visit-{visit.uuid}"


def tray_context(member, patient, visits, *, query) -> dict:
    """The "From the patient" tray: photos sent through a patient link, on no visit."""
    from imaging.forms import TrayAcceptForm

    waiting = list(tray.waiting(patient))
    if not waiting:
        return {"photos": []}
    all_visits = list(patient.visits.order_by("-visit_on", "-created_at"))
    return {
        "photos": [
            (
                photo,
                TrayAcceptForm(
                    visits=all_visits,
                    auto_id=f"tray-{photo.uuid}-%s",
                    initial={"visit_on": timezone.localdate()},
                ),
            )
            for photo in waiting
        ],
        "may_accept": member.may("edit_patients"),
        "may_reject": member.may("delete_photo"),
    }


def register_sections() -> None:
    register(
        TimelineSection(
            name="imaging-tray",
            place="patient",
            template="imaging/_tray.html",
            context=tray_context,
            order=52,
        )
    )
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
