"""Staff pages of the teaching library: the editor, the library and its images."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from audit.actions import Action, Outcome
from audit.services import record_event
from imaging import covering
from imaging.exceptions import ImagingError
from imaging.responses import image_response
from imaging.selectors import photos_for
from imaging.services import PhotoUnreadable, read_rendition
from pixiodoc.accounts.decorators import member_may
from sharing.watermark import burn
from teaching import deidentify, exports
from teaching.exceptions import TeachingError
from teaching.forms import (
    DeidentifyForm,
    LibraryFilterForm,
)
from teaching.models import RENDITIONS, TeachingImage, TeachingSettings
from teaching.selectors import (
    TEACHING,
    all_tags,
    cases_for,
    filter_images,
    hidden_images_for,
    images_for,
    is_visible,
    library,
)
from teaching.services import (
    TeachingImageUnreadable,
    deidentify_photo,
    delete_image,
    read_image,
    record_library_viewed,
    require_consent,
    set_publication,
    settings_for,
)


def _photo(request, uuid):
    return get_object_or_404(
        photos_for(member=request.member).select_related("patient"), uuid=uuid
    )


@require_GET
@member_may("edit_teaching")
def editor(request, uuid):
    """Crop and cover a photo; faces found in it are offered as boxes to cover."""
    photo = _photo(request, uuid)
    problem = ""
    try:
        require_consent(patient=photo.patient, purpose=TEACHING)
    except TeachingError as exc:
        problem = str(exc)
        # The refusal is audited like the page it replaces (S26, S40).
        record_event(
            action=Action.TEACHING_IMAGE_ADDED,
            actor=request.member,
            request=request,
            target=photo,
            patient=photo.patient,
            outcome=Outcome.DENIED,
            reason="no_teaching_consent",
        )
    suggestions = []
    if not problem:
        try:
            # Audited as this page's view of the photo (S40).
            shown = read_rendition(
                actor=request.member,
                photo=photo,
                rendition="display",
                request=request,
            )
            suggestions = [b.as_dict() for b in deidentify.suggest_faces(shown)]
        except (PhotoUnreadable, ImagingError) as exc:
            problem = str(exc)
    form = DeidentifyForm(
        cases=cases_for(member=request.member),
        initial={"body_region": photo.body_region},
    )
    return render(
        request,
        "teaching/editor.html",
        {
            "photo": photo,
            "patient": photo.patient,
            "form": form,
            "problem": problem,
            "suggestions": suggestions,
        },
    )


@require_POST
@member_may("edit_teaching")
def save_image(request, uuid):
    photo = _photo(request, uuid)
    form = DeidentifyForm(request.POST, cases=cases_for(member=request.member))
    if form.is_valid():
        data = form.cleaned_data
        try:
            image = deidentify_photo(
                actor=request.member,
                photo=photo,
                edits=data["edits"],
                title=data["title"],
                body_region=data["body_region"],
                diagnosis=data["diagnosis"],
                tags=data["tags"],
                case=data["case"],
                new_case_title=data["new_case_title"],
                for_publication=data["for_publication"],
                request=request,
            )
        except (TeachingError, ImagingError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, gettext("The de-identified image is in the library.")
            )
            return redirect("teaching:image", uuid=image.uuid)
    return render(
        request,
        "teaching/editor.html",
        {
            "photo": photo,
            "patient": photo.patient,
            "form": form,
            "problem": "",
            "suggestions": [],
        },
        status=400,
    )


@require_GET
@member_may("view_teaching")
def library_page(request):
    form = LibraryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    everything = library(member=request.member)
    shown = filter_images(
        everything,
        text=filters.get("q", ""),
        region=filters.get("region", ""),
        tag=filters.get("tag", ""),
    )
    record_library_viewed(
        actor=request.member, images=shown, page="library", request=request
    )
    may_edit = request.member.may("edit_teaching")
    return render(
        request,
        "teaching/library.html",
        {
            "form": form,
            "images": covered_urls(request.member, shown, "thumb"),
            "total": len(everything),
            "tags": all_tags(everything),
            "cases": cases_for(member=request.member),
            "hidden": hidden_images_for(member=request.member) if may_edit else [],
            "may_edit": may_edit,
        },
    )


def covered_urls(member, images, rendition: str) -> list[tuple]:
    """(image, URL) pairs whose URL says the listing page audited the view."""
    return [
        (
            image,
            reverse("teaching:image_file", args=[image.uuid, rendition])
            + "?c="
            + covering.cover_token(member=member, photo=image, rendition=rendition),
        )
        for image in images
    ]


def _image(request, uuid):
    image = get_object_or_404(images_for(member=request.member), uuid=uuid)
    if not is_visible(image):
        raise Http404
    return image


@require_GET
@member_may("view_teaching")
def image_page(request, uuid):
    image = _image(request, uuid)
    # "From the record of …" only for a member who may see the patient.
    source = image.patient if request.member.may("view_patients") else None
    record_event(
        action=Action.TEACHING_IMAGE_VIEWED,
        actor=request.member,
        request=request,
        target=image,
        patient=image.patient,
        details={"page": "image", "source_shown": source is not None},
    )
    return render(
        request,
        "teaching/image.html",
        {
            "image": image,
            "source": source,
            "may_edit": request.member.may("edit_teaching"),
        },
    )


@require_GET
@member_may("view_teaching")
def image_file(request, uuid, rendition):
    if rendition not in RENDITIONS:
        raise Http404
    image = _image(request, uuid)
    covered = covering.is_covered(
        request.GET.get("c"), member=request.member, photo=image, rendition=rendition
    )
    try:
        body = read_image(
            actor=request.member,
            image=image,
            rendition=rendition,
            request=request,
            audit=not covered,
        )
    except TeachingImageUnreadable:
        raise Http404 from None
    return image_response(body, "image/jpeg", f"teaching-{str(image.uuid)[:8]}.jpg")


@require_GET
@member_may("edit_teaching")
def image_download(request, uuid):
    """The image as a file, watermarked as the practice chose; audited."""
    image = _image(request, uuid)
    try:
        body = read_image(
            actor=request.member,
            image=image,
            rendition="display",
            request=request,
            use="download",
        )
    except TeachingImageUnreadable:
        raise Http404 from None
    watermark = settings_for(practice=request.member.practice).watermark
    if watermark == TeachingSettings.Watermark.TEACHING_ONLY:
        body = burn(body, text=str(exports.WATERMARK_TEXT))
    name = f"teaching-{str(image.uuid)[:8]}.jpg"
    response = image_response(body, "image/jpeg", name)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@member_may("edit_teaching")
def image_publication(request, uuid):
    image = _image(request, uuid)
    try:
        set_publication(
            actor=request.member,
            image=image,
            cleared=request.POST.get("cleared") == "on",
            request=request,
        )
    except TeachingError as exc:
        messages.error(request, str(exc))
    return redirect("teaching:image", uuid=image.uuid)


@require_POST
@member_may("edit_teaching")
def image_delete(request, uuid):
    # Hidden images too: deleting is how a clinician clears them.
    image = get_object_or_404(
        TeachingImage.objects.filter(practice_id=request.member.practice_id),
        uuid=uuid,
    )
    delete_image(actor=request.member, image=image, request=request)
    messages.success(request, gettext("The teaching image was deleted."))
    return redirect("teaching:library")
