from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self):
        # "Verify chain now" runs a stopped broker left waiting are sent again.
        from audit.verification import resend_waiting
        from pixiodoc.jobs import register_resender

        register_resender("audit", resend_waiting)

        from audit.changelog import register_phi_model
        from pixiodoc.accounts.models import Member, Practice, User

        # Access rights and staff identities (S29); patients registers its own models.
        register_phi_model(
            User,
            phi_fields=["email", "full_name"],
            # Sign-in bookkeeping changes on every attempt: not logged.
            exclude_fields=[
                "password",
                "last_login",
                "session_epoch",
                "otp_failures",
                "otp_locked_until",
            ],
            m2m_fields=["groups", "user_permissions"],
        )
        register_phi_model(Member)
        register_phi_model(Practice)
