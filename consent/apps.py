from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")

    def ready(self):
        from consent import labels

        labels.register()  # the audit pages name consents and forms
        from consent.timeline import timeline_context
        from patients.timeline import TimelineSection, register

        register(
            TimelineSection(
                name="consent",
                place="patient",
                template="consent/_timeline.html",
                context=timeline_context,
                order=10,
            )
        )

        # Lifecycle jobs (docs/jobs.md): export section and blob references.
        from consent import lifecycle
        from patients.blobrefs import register_blob_references
        from patients.exports import register_section

        register_section("consents", lifecycle.export_section, order=30)
        register_blob_references("consent", lifecycle.referenced_blobs)

        register_change_log()


def register_change_log() -> None:
    """S29: every change to consent rows logged, PHI masked, digests not logged."""
    from audit.changelog import register_phi_model
    from consent.models import (
        Consent,
        ConsentAnswer,
        ConsentDocument,
        ConsentOverride,
        ConsentSettings,
        ConsentTemplate,
        TemplateText,
        Withdrawal,
    )

    register_phi_model(ConsentSettings, exclude_fields=["updated_at"])
    register_phi_model(ConsentTemplate)
    register_phi_model(TemplateText)
    register_phi_model(
        Consent,
        phi_fields=["signer_name", "signer_relation"],
        exclude_fields=["signature_sha256"],
    )
    register_phi_model(ConsentAnswer)
    register_phi_model(ConsentDocument, exclude_fields=["pdf_sha256", "updated_at"])
    # The day a patient withdrew is a date about them, like a visit's date.
    register_phi_model(
        Withdrawal, phi_fields=["reason", "withdrawn_on", "effective_at"]
    )
    register_phi_model(ConsentOverride, phi_fields=["reason"])
