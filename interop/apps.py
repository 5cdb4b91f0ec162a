from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "Interoperability"

    def ready(self):
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
        register_phi_model(PacsPush, exclude_fields=["updated_at"])
