from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from pixiodoc.accounts.decorators import member_required


@member_required
def home(request):
    if request.member.may("view_patients"):
        return redirect("patients:list")
    return render(request, "home.html")


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    # No context processors, no session, no database: any of them may be what failed
    # (S37). The page is static but for the request id that logs carry.
    return HttpResponseServerError(render_to_string("500.html", {"request": request}))
