from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    """Documents that read every app (Art. 30 record, breach scoping): reads only."""

    name = "compliance"
    verbose_name = "Compliance"
