"""Consent in the owners' admin: read-only, scoped to the practice, free of PHI (S9, S30).

A signed consent never changes, and forms, withdrawals, overrides and the
override switch change only through the app's pages and services (versioning,
withdrawal hooks, audit). The admin lets an owner see what exists.
"""

from django.contrib import admin

from consent.models import (
    Consent,
    ConsentAnswer,
    ConsentOverride,
    ConsentSettings,
    ConsentTemplate,
    TemplateText,
    Withdrawal,
)
from pixiodoc.accounts.admin import PracticeScopedAdmin


class ReadOnlyAdmin(PracticeScopedAdmin):
    """Shows `fields` and nothing else; nobody adds, changes or deletes here."""

    owner_can_change = False
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # erasure has its own audited path


class AnswerInline(admin.TabularInline):
    model = ConsentAnswer
    fields = ["purpose", "granted"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return True  # whoever may view the consent (its admin decides) sees its answers

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TextInline(admin.StackedInline):
    """A version's wording, language by language (written once, never edited)."""

    model = TemplateText
    fields = ["language", "title", "body", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return True  # whoever may view the form (its admin decides) sees its wording

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConsentTemplate)
class ConsentTemplateAdmin(ReadOnlyAdmin):
    practice_path = "practice"
    list_display = ["uuid", "version", "is_current", "created_at"]
    list_filter = ["is_current"]
    fields = ["uuid", "version", "is_current", "purposes", "created_at"]
    inlines = [TextInline]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    """Signer name and relation are PHI: left out (the patient's page shows them)."""

    practice_path = "patient__practice"
    list_display = ["uuid", "signed_at", "signed_by_representative"]
    fields = [
        "uuid",
        "patient",
        "template",
        "language",
        "signed_at",
        "signed_by_representative",
        "witness",
    ]
    inlines = [AnswerInline]


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyAdmin):
    practice_path = "patient__practice"
    list_display = ["uuid", "purpose", "created_at"]
    list_filter = ["purpose"]
    fields = ["uuid", "patient", "purpose", "consent", "recorded_by", "created_at"]


@admin.register(ConsentOverride)
class ConsentOverrideAdmin(ReadOnlyAdmin):
    practice_path = "patient__practice"
    list_display = ["uuid", "created_at", "expires_at"]
    fields = ["uuid", "patient", "member", "created_at", "expires_at"]


@admin.register(ConsentSettings)
class ConsentSettingsAdmin(ReadOnlyAdmin):
    """The emergency override is switched on the consent pages (owners, audited)."""

    practice_path = "practice"
    list_display = ["practice", "emergency_override_enabled", "updated_at"]
    fields = ["practice", "emergency_override_enabled", "updated_at"]
