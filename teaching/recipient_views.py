"""Public pages of a teaching share link, /t/<token>/: the case, never the patient."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sharing.responses import IMAGE_CSP, recipient_view
from teaching import shares
from teaching.services import TeachingImageUnreadable


@recipient_view
@require_GET
def shared_case(request, token):
    link, images = shares.open_case(token=token, request=request)
    return render(
        request,
        "teaching/shared_case.html",
        {"link": link, "case": link.case, "images": images, "token": token},
    )


@recipient_view
@require_GET
def shared_image(request, token, image):
    try:
        data = shares.shared_image(token=token, image_uuid=image, request=request)
    except TeachingImageUnreadable:
        return HttpResponse(status=404)
    response = HttpResponse(data, content_type="image/jpeg")
    # S15: nothing runs or loads even if the image URL is opened directly.
    response["Content-Security-Policy"] = IMAGE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response
