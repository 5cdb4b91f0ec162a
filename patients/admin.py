"""Patients in the owners' admin: read-only and without PHI (S9, S29).

Changes to patients go through the app's pages and services (blind index,
data keys, audit); the admin only lets an owner see what exists.
"""

from django.contrib import admin

from patients.models import Patient, Visit
from pixiodoc.accounts.admin import PracticeScopedAdmin


@admin.register(Patient)
class PatientAdmin(PracticeScopedAdmin):
    practice_path = "practice"
    owner_can_change = False
    list_display = ["uuid", "created_at", "updated_at", "blocked_at"]
    fields = [
        "uuid",
        "practice",
        "created_at",
        "updated_at",
        "blocked_at",
        "kek_version",
    ]
    readonly_fields = fields
    actions = None

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # erasure has its own audited path


@admin.register(Visit)
class VisitAdmin(PracticeScopedAdmin):
    practice_path = "patient__practice"
    owner_can_change = False
    list_display = ["uuid", "visit_on", "created_at"]
    fields = ["uuid", "patient", "visit_on", "created_at", "updated_at"]
    readonly_fields = fields
    actions = None

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
