from django.contrib.admin.apps import AdminConfig


class PixioAdminConfig(AdminConfig):
    """django.contrib.admin with PixioDoc's site: owners behind 2FA, scoped (S1, S9)."""

    default_site = "pixiodoc.accounts.admin_site.PracticeAdminSite"
