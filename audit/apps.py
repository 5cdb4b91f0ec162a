from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self):
        from django.contrib.admin.models import LogEntry as AdminLogEntry
        from django.db.models.signals import post_save

        from audit.admin_events import record_admin_change
        from audit.changelog import register_phi_model
        from pixiodoc.accounts.models import Member, Practice, User

        # Access rights and staff identities (S29); patients registers its own models.
        register_phi_model(
            User,
            phi_fields=["email", "full_name"],
            exclude_fields=["password", "last_login"],
            m2m_fields=["groups", "user_permissions"],
        )
        register_phi_model(Member)
        register_phi_model(Practice)
        post_save.connect(
            record_admin_change,
            sender=AdminLogEntry,
            dispatch_uid="audit.admin_change",
        )
