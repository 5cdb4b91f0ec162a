"""Staff pages of one teaching case: the case, its exports and its share links;
and the practice's teaching settings."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pixiodoc.accounts.decorators import member_may
from teaching import exports, shares
from teaching.exceptions import TeachingError
from teaching.forms import ExportForm, SettingsForm, ShareForm
from teaching.selectors import case_images, cases_for, is_visible, links_for
from teaching.services import record_library_viewed, set_watermark, settings_for
from teaching.views import covered_urls


def _case(request, uuid):
    return get_object_or_404(cases_for(member=request.member), uuid=uuid)


@require_GET
@member_may("view_teaching")
def case_page(request, uuid):
    case = _case(request, uuid)
    images = case_images(case=case)
    shown = [image for image in images if is_visible(image)]
    record_library_viewed(
        actor=request.member, images=shown, page="case", request=request
    )
    may_edit = request.member.may("edit_teaching")
    links = list(links_for(member=request.member).filter(case=case)) if may_edit else []
    return render(
        request,
        "teaching/case.html",
        {
            "case": case,
            "images": covered_urls(request.member, shown, "display"),
            "gaps": len(images) - len(shown),
            "may_edit": may_edit,
            "export_form": ExportForm(),
            "share_form": ShareForm(),
            "links": [(link, shares.is_open(link)) for link in links],
        },
    )


@require_POST
@member_may("edit_teaching")
def case_export(request, uuid):
    case = _case(request, uuid)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return HttpResponse(gettext("Choose a format and a purpose."), status=400)
    try:
        export = exports.export_case(
            actor=request.member,
            case=case,
            fmt=form.cleaned_data["format"],
            purpose=form.cleaned_data["purpose"],
            request=request,
        )
    except TeachingError as exc:
        messages.error(request, str(exc))
        return redirect("teaching:case", uuid=case.uuid)
    response = HttpResponse(export.body, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@member_may("edit_teaching")
def case_share(request, uuid):
    case = _case(request, uuid)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            gettext("Say how many days the link stays open."), status=400
        )
    try:
        link, token = shares.create_link(
            actor=request.member,
            case=case,
            days=form.cleaned_data["days"],
            request=request,
        )
    except TeachingError as exc:
        messages.error(request, str(exc))
        return redirect("teaching:case", uuid=case.uuid)
    # The token is shown once, on this response, and never stored (S21).
    url = request.build_absolute_uri(
        reverse("teaching:shared", kwargs={"token": token})
    )
    response = render(
        request, "teaching/share_created.html", {"case": case, "link": link, "url": url}
    )
    response["Cache-Control"] = "no-store, private"
    return response


@require_POST
@member_may("edit_teaching")
def share_revoke(request, uuid):
    link = get_object_or_404(links_for(member=request.member), uuid=uuid)
    shares.revoke_link(actor=request.member, link=link, request=request)
    messages.success(request, gettext("The link is closed."))
    return redirect("teaching:case", uuid=link.case.uuid)


@require_http_methods(["GET", "POST"])
@member_may("manage_practice")
def settings_page(request):
    current = settings_for(practice=request.member.practice)
    form = SettingsForm(request.POST or None, initial={"watermark": current.watermark})
    if request.method == "POST" and form.is_valid():
        set_watermark(
            actor=request.member,
            watermark=form.cleaned_data["watermark"],
            request=request,
        )
        messages.success(request, gettext("Teaching settings saved."))
        return redirect("teaching:settings")
    return render(request, "teaching/settings.html", {"form": form})
