from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = _("Sharing")

    def ready(self):
        from sharing.timeline import register_sections

        register_sections()

        from sharing import labels

        labels.register()  # the audit pages name share links

        from sharing import disclosures

        disclosures.register()  # opens and downloads leave the practice (#16)

        # S29: links are access rights; the recipient is a person, masked like PHI,
        # and the token and passcode hashes are never logged.
        from audit.changelog import register_phi_model
        from sharing.models import PatientLink, ShareAccess, ShareLink

        register_phi_model(
            ShareLink,
            phi_fields=["recipient_name", "recipient_email", "message"],
            exclude_fields=["token_hash", "passcode_hash", "last_opened_at"],
            m2m_fields=["photos"],
        )
        register_phi_model(ShareAccess)
        register_phi_model(
            PatientLink, phi_fields=["note"], exclude_fields=["token_hash"]
        )
