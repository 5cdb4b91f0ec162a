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
