from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "Interoperability"

    def ready(self):
        # The patient export ZIP carries the FHIR Bundle (GDPR Art. 20 in a
        # standard format) without `patients` naming us.
        from interop.exports import fhir_section
        from patients.exports import register_section

        register_section("fhir", fhir_section, order=40)

        # Downloads and "Send to PACS" on the timeline, for the patient and each visit.
        from interop.timeline import register_sections

        register_sections()

        # Pushes a stopped broker left waiting are sent again (pixiodoc.jobs).
        from interop.pushes import resend_waiting
        from pixiodoc.jobs import register_resender

        register_resender("interop", resend_waiting)

        from interop import labels

        labels.register()  # the audit pages name PACS destinations

        from interop import disclosures

        disclosures.register()  # pushes are disclosures; destinations, recipients

        # S29: destinations hold credentials (never logged), pushes are records
        # of disclosures; both change-logged.
        from audit.changelog import register_phi_model
        from interop.models import DicomSettings, PacsDestination, PacsPush

        register_phi_model(DicomSettings)
        register_phi_model(
            PacsDestination,
            phi_fields=["username"],
            exclude_fields=["secret"],
        )
        # The retry counter is in each attempt's pacs_pushed event already.
        register_phi_model(PacsPush, exclude_fields=["updated_at", "attempts"])
