"""Capture and upload, serving renditions, viewer, comparison, annotation, deletion."""

import json
import re

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from audit.actions import Action
from audit.services import record_view
from imaging import covering, regions
from imaging.exceptions import ImagingError, PhotoRefused
from imaging.forms import DeletePhotoForm, FilterForm, PhotoDetailsForm
from imaging.models import RENDITIONS, Photo
from imaging.paths import covered_thumbnail_url
from imaging.placeholder import placeholder_png
from imaging.responses import image_response
from imaging.selectors import (
    filter_photos,
    patient_photos,
    photos_for,
)
from imaging.services import (
    PhotoUnreadable,
    add_photo,
    delete_photo,
    mark_photo,
    read_rendition,
    record_comparison,
    record_photo_page,
    record_photos_shown,
    save_annotation,
)
from patients.selectors import patients_for, visits_for
from pixiodoc import blobs
from pixiodoc.accounts.decorators import member_may
from pixiodoc.jsonbody import JsonBodyError, parse_json_body

# {"shapes": [{...}]} is three levels; 200 text marks of 200 characters, each
# escaped as \uXXXX at worst, stay under 256 KB (imaging.services.MAX_SHAPES).
ANNOTATION_MAX_DEPTH = 3
ANNOTATION_MAX_BYTES = 256 * 1024

# What the viewer says after marking or unmarking a photo for a purpose.
MARKED_MESSAGES = {
    ("teaching", True): gettext_lazy("Marked for teaching."),
    ("teaching", False): gettext_lazy("Unmarked for teaching."),
    ("publication", True): gettext_lazy("Marked for publication."),
    ("publication", False): gettext_lazy("Unmarked for publication."),
}

# static/js/capture.js sends 32 random hex digits per file it uploads.
UPLOAD_KEY = re.compile(r"[0-9a-f]{32}")


@require_GET
@member_may("view_patients")
def rendition(request, uuid, rendition):
    if rendition not in RENDITIONS:
        raise Http404
    photo = get_object_or_404(
        photos_for(member=request.member).select_related("patient"), uuid=uuid
    )
    covered = covering.is_covered(
        request.GET.get("c"), member=request.member, photo=photo, rendition=rendition
    )
    try:
        body = read_rendition(
            actor=request.member,
            photo=photo,
            rendition=rendition,
            request=request,
            audit=not covered,
        )
    except PhotoUnreadable:
        # Never broken bytes: a placeholder that says what happened (S18).
        response = image_response(
            placeholder_png(), "image/png", "integrity-failure.png"
        )
        response["X-PixioDoc-Integrity"] = "failed"
        return response
    return image_response(body, "image/jpeg", f"{photo.uuid}-{rendition}.jpg")


def _visit_for(request, uuid):
    return get_object_or_404(
        visits_for(member=request.member).select_related("patient"), uuid=uuid
    )


@require_GET
@member_may("edit_patients")
def add(request, uuid):
    """Pick or drop files (or a folder) for one visit; the camera is capture.html."""
    visit = _visit_for(request, uuid)
    patient = visit.patient
    # The page names the patient and the visit (S40).
    record_view(
        action=Action.PATIENT_VIEWED,
        actor=request.member,
        request=request,
        page="add_photos",
        shown=("name", "visit_date"),
        target=visit,
        patient=patient,
    )
    return render(
        request,
        "imaging/add.html",
        {
            "visit": visit,
            "patient": patient,
            "form": PhotoDetailsForm(
                initial={"body_region": request.GET.get("region", "")}
            ),
            "upload_url": reverse("imaging:upload", kwargs={"uuid": visit.uuid}),
            "bulk": request.GET.get("bulk") == "1",
        },
    )


@require_POST
@member_may("edit_patients")
def upload(request, uuid):
    """One or more files for a visit; a verdict per file (others kept on refusal)."""
    visit = _visit_for(request, uuid)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = PhotoDetailsForm(request.POST)
    files = request.FILES.getlist("photo")
    if not form.is_valid() or not files:
        message = (
            _("Choose at least one photo.")
            if form.is_valid()
            else " ".join(e for errors in form.errors.values() for e in errors)
        )
        if wants_json:
            return JsonResponse({"error": message, "results": []}, status=400)
        messages.error(request, message)
        return redirect("imaging:add", uuid=visit.uuid)
    source = (
        Photo.Source.CAMERA
        if request.POST.get("source") == "camera"
        else Photo.Source.UPLOAD
    )
    upload_key = upload_key_of(request)
    results = []
    for index, upload_file in enumerate(files):
        name = upload_file.name or "photo"
        try:
            photo = add_photo(
                actor=request.member,
                visit=visit,
                data=upload_file.read(),
                oversize=getattr(upload_file, "oversize", False),
                body_region=form.cleaned_data["body_region"],
                laterality=form.cleaned_data["laterality"],
                tags=form.cleaned_data["tags"],
                note=form.cleaned_data["note"],
                source=source,
                place_by_capture_date=form.cleaned_data["place_by_capture_date"],
                upload_key=f"{upload_key}:{index}" if upload_key else "",
                request=request,
            )
        except PhotoRefused as refused:
            results.append({"name": name, "stored": False, "message": str(refused)})
        except blobs.BlobWriteError:
            # Logged with the storage error by pixiodoc.blobs; the others carry on.
            results.append(
                {
                    "name": name,
                    "stored": False,
                    "message": _(
                        "%(name)s was not stored (the photo store did not accept "
                        "it); nothing of it was kept. Try again."
                    )
                    % {"name": name},
                    "retry": True,
                }
            )
        except ImagingError as error:
            # A rule for the whole upload (consent, role): the same for every file.
            results.append({"name": name, "stored": False, "message": str(error)})
        else:
            results.append(
                {
                    "name": name,
                    "stored": True,
                    "message": " ".join((_("Stored."), *photo.processing_notes)),
                    "notes": list(photo.processing_notes),
                    "photo": str(photo.uuid),
                    "visit": str(photo.visit.uuid),
                    "viewer": photo.get_absolute_url(),
                }
            )
    if any(r["stored"] for r in results):
        status = 200
    elif any(r.get("retry") for r in results):
        status = 503  # storage trouble: the same upload may succeed later
    else:
        status = 422
    if wants_json:
        return JsonResponse({"results": results}, status=status)
    return render(
        request,
        "imaging/upload_result.html",
        {"visit": visit, "patient": visit.patient, "results": results},
        status=status,
    )


def upload_key_of(request) -> str:
    """The page's idempotency key (header or field); anything malformed is ignored."""
    key = request.headers.get("X-Upload-Key") or request.POST.get("upload_key", "")
    return key if UPLOAD_KEY.fullmatch(key) else ""


def _photo_for(request, uuid):
    return get_object_or_404(
        photos_for(member=request.member).select_related("patient", "visit"),
        uuid=uuid,
    )


@require_GET
@member_may("view_patients")
def viewer(request, uuid):
    """One photo large, with the patient's others a key press away."""
    photo = _photo_for(request, uuid)
    siblings = list(
        patient_photos(member=request.member, patient=photo.patient).order_by(
            "-visit__visit_on", "created_at", "id"
        )
    )
    index = next(i for i, p in enumerate(siblings) if p.pk == photo.pk)
    previous = siblings[index - 1] if index > 0 else None
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    shapes = json.loads(photo.annotation.shapes) if _has_annotation(photo) else []
    record_photo_page(actor=request.member, photo=photo, page="viewer", request=request)
    return render(
        request,
        "imaging/viewer.html",
        {
            "photo": photo,
            "patient": photo.patient,
            "previous": previous,
            "following": following,
            "position": index + 1,
            "count": len(siblings),
            "shapes": shapes,
            "marks": [
                ("teaching", photo.marked_teaching_at),
                ("publication", photo.marked_publication_at),
            ],
            "may_delete": request.member.may("delete_photo"),
            "may_edit": request.member.may("edit_patients"),
        },
    )


def _has_annotation(photo) -> bool:
    try:
        photo.annotation  # noqa: B018
    except Photo.annotation.RelatedObjectDoesNotExist:
        return False
    return True


@require_GET
@member_may("view_patients")
def gallery(request, uuid):
    """All of a patient's photos, filtered by body region and tag."""
    patient = get_object_or_404(patients_for(member=request.member), uuid=uuid)
    form = FilterForm(request.GET or None)
    region = tag = ""
    if form.is_valid():
        region, tag = form.cleaned_data["region"], form.cleaned_data["tag"]
    photos = filter_photos(
        patient_photos(member=request.member, patient=patient).order_by(
            "-visit__visit_on", "created_at"
        ),
        region=region,
        tag=tag,
    )
    record_photos_shown(
        actor=request.member,
        patient=patient,
        photos=photos,
        page="gallery",
        request=request,
    )
    items = [(p, covered_thumbnail_url(member=request.member, photo=p)) for p in photos]
    return render(
        request,
        "imaging/gallery.html",
        {"patient": patient, "form": form, "items": items},
    )


@require_GET
@member_may("view_patients")
def compare(request, uuid):
    """Two photos of a patient side by side or overlaid with a slider."""
    patient = get_object_or_404(patients_for(member=request.member), uuid=uuid)
    photos = list(
        patient_photos(member=request.member, patient=patient).order_by(
            "visit__visit_on", "created_at", "id"
        )
    )
    by_uuid = {str(p.uuid): p for p in photos}
    first = by_uuid.get(request.GET.get("a", ""))
    second = by_uuid.get(request.GET.get("b", ""))
    if first is None or second is None:
        first, second = default_pair(photos, region=request.GET.get("region", ""))
    elif photos.index(first) > photos.index(second):
        # Earlier always on the left (and under the slider's left side), whatever
        # order the two were picked in: a reversed pair reads as healing backwards.
        first, second = second, first
    if first is not None and second is not None:
        record_comparison(
            actor=request.member, first=first, second=second, request=request
        )
    else:  # no pair to compare: the page still names the patient and lists photos
        record_photos_shown(
            actor=request.member,
            patient=patient,
            photos=photos,
            page="compare",
            rendition="none",
            request=request,
        )
    return render(
        request,
        "imaging/compare.html",
        {
            "patient": patient,
            "photos": photos,
            "first": first,
            "second": second,
            "mode": "overlay" if request.GET.get("mode") == "overlay" else "side",
        },
    )


def default_pair(photos, *, region: str = ""):
    """The first and latest photo of one body region (the latest photo's, by default)."""
    if not photos:
        return None, None
    region = region if region in regions.BY_KEY else photos[-1].body_region
    same = [p for p in photos if p.body_region == region] or photos
    return same[0], same[-1]


@require_POST
@member_may("edit_patients")
def annotate(request, uuid):
    photo = _photo_for(request, uuid)
    try:
        shapes = parse_json_body(
            request,
            max_bytes=ANNOTATION_MAX_BYTES,
            max_depth=ANNOTATION_MAX_DEPTH,
            empty=[],
        )
        if isinstance(shapes, dict):
            shapes = shapes.get("shapes")
        save_annotation(
            actor=request.member,
            photo=photo,
            shapes=shapes,
            request=request,
        )
    except (JsonBodyError, ImagingError) as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"saved": True})


@require_POST
@member_may("edit_patients")
def mark(request, uuid):
    """Mark or unmark for teaching or publication; needs that consent to mark."""
    photo = _photo_for(request, uuid)
    purpose = request.POST.get("purpose", "")
    marked = request.POST.get("marked") == "on"
    try:
        mark_photo(
            actor=request.member,
            photo=photo,
            purpose=purpose,
            marked=marked,
            request=request,
        )
    except ImagingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, MARKED_MESSAGES[purpose, marked])
    return redirect(photo)


@member_may("delete_photo")
def delete(request, uuid):
    photo = _photo_for(request, uuid)
    form = DeletePhotoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delete_photo(
                actor=request.member,
                photo=photo,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ImagingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Photo deleted."))
            return redirect(photo.patient)
    # The confirmation names the patient by record number and birth date too (S40).
    record_photo_page(
        actor=request.member,
        photo=photo,
        page="delete",
        request=request,
        also_shown=("record_number", "date_of_birth"),
    )
    return render(
        request,
        "imaging/delete.html",
        {
            "photo": photo,
            "patient": photo.patient,
            "form": form,
            "action_url": request.path,
            "cancel_url": photo.get_absolute_url(),
        },
    )
