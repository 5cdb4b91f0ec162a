from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    """Documents that read every app (Art. 30 record, breach scoping): reads only."""

    name = "compliance"
    verbose_name = _("Compliance")
