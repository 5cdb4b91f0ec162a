"""The admin site itself (django.contrib.admin's default site, see admin_apps.py).

Kept apart from admin.py: the site class must be importable without registering
models, or the lazy default site would be built twice and lose registrations.
"""

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    site_header = _("PixioDoc administration")
    site_title = _("PixioDoc admin")
    index_title = _("Your practice")

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
        messages.error(request, gettext("The admin is for the practice's owners."))
        return redirect("home")

    def logout(self, request, extra_context=None):
        from pixiodoc.accounts.views import sign_out

        if request.method != "POST":  # signing out is a POST (DESIGN.md §9)
            return redirect("admin:index")
        return sign_out(request)

    def get_urls(self):
        # Django's "view on site" (/admin/r/<content type>/<pk>/) looks objects up
        # unscoped: an owner could resolve another practice's patients and photos.
        ours = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [
            ours if getattr(p, "name", "") == "view_on_site" else p
            for p in super().get_urls()
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """Redirect to an object's page, found through its admin's scoped queryset."""
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            raise Http404
        try:
            obj = model_admin.get_queryset(request).filter(pk=object_id).first()
        except (ValueError, ValidationError):
            raise Http404 from None
        if obj is None or not hasattr(obj, "get_absolute_url"):
            raise Http404
        return redirect(obj.get_absolute_url())

    def password_change(self, request, extra_context=None):
        # One way to change a password: the account page, which asks for the
        # password again, ends the other sessions and audits it (S5, S42).
        return redirect("accounts:password_change")

    def password_change_done(self, request, extra_context=None):
        return redirect("accounts:security")
