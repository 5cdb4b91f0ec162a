"""The admin site itself (django.contrib.admin's default site, see admin_apps.py).

Kept apart from admin.py: the site class must be importable without registering
models, or the lazy default site would be built twice and lose registrations.
"""

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from pixiodoc.accounts.models import Member


def admin_owner(request) -> Member | None:
    """The verified owner membership behind this admin request, if any."""
    member = getattr(request, "member", None)
    user = request.user
    if (
        member is not None
        and user.is_authenticated
        and user.is_verified()
        and member.is_active
        and member.role == Member.Role.OWNER
    ):
        return member
    return None


class PracticeAdminSite(admin.AdminSite):
    site_header = "PixioDoc administration"
    site_title = "PixioDoc admin"
    index_title = "Your practice"

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_authenticated and user.is_verified()):
            return False
        return user.is_superuser or admin_owner(request) is not None

    def login(self, request, extra_context=None):
        # One way in: the sign-in with its second factor; never the admin's form.
        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next", request.path))
        if self.has_permission(request):
            return redirect("admin:index")
        messages.error(request, "The admin is for the practice's owners.")
        return redirect("home")

    def logout(self, request, extra_context=None):
        from pixiodoc.accounts.views import sign_out

        if request.method != "POST":  # signing out is a POST (DESIGN.md §9)
            return redirect("admin:index")
        return sign_out(request)
