from django.shortcuts import redirect, render

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
    # No context processors that touch the database: it may be what failed.
    return render(request, "500.html", status=500, context={"plain": True})
