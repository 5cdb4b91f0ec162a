from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = "Consent"

    def ready(self):
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
