"""The Django admin for practice owners (S1, S9), and `PracticeScopedAdmin` for every app.

Who gets in (`PracticeAdminSite.has_permission`): a signed-in user whose second
factor is verified (S1) and who is either an active owner of the practice they
chose, or a superuser (made only by `manage.py createsuperuser`). Owners are not
superusers and hold no Django permissions: what they may do is said by
`PracticeScopedAdmin`.

Register a model for owners like this (one line says how a row reaches its
practice: a lookup path from the model to `accounts.Practice`, "" for Practice):

    from pixiodoc.accounts.admin import PracticeScopedAdmin

    @admin.register(Consent)
    class ConsentAdmin(PracticeScopedAdmin):
        practice_path = "patient__practice"
        owner_can_change = False          # read-only for owners
        exclude = ["signer_name"]         # keep PHI out of the admin

Every queryset (list, change, delete, history, autocomplete, foreign-key choices
pointing at another scoped model) is filtered to the owner's practice, so
another practice's row is a 404 (S9). Every add, change and delete made through
the admin is written to the audit log (`Action.ADMIN_CHANGE`, PHI-free).
"""

from zoneinfo import available_timezones

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.actions import Action, ActorType
from audit.services import record_event
from pixiodoc.accounts.admin_site import admin_owner
from pixiodoc.accounts.models import Member, Practice, User
from pixiodoc.accounts.sessions import end_all_sessions


class PracticeScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin limited to the owner's practice (S9) and audited (S26).

    `practice_path`: the lookup from this model to its Practice ("" for Practice
    itself), e.g. "practice", "patient__practice", "memberships__practice".
    `owner_can_add`, `owner_can_change`, `owner_can_delete`: what owners may do
    (view is always allowed). Superusers keep Django's own permission checks and
    see every practice.
    """

    practice_path: str = "practice"
    owner_can_add = False
    owner_can_change = True
    owner_can_delete = False

    # --- scoping (S9) ---

    def scope(self, queryset, practice_id):
        if not self.practice_path:
            return queryset.filter(pk=practice_id)
        if "__" in self.practice_path:
            # Through a many-valued relation: a subquery keeps rows unique
            # without distinct() (which would break deletion).
            inner = self.model._base_manager.filter(
                **{f"{self.practice_path}__pk": practice_id}
            ).values("pk")
            return queryset.filter(pk__in=inner)
        return queryset.filter(**{f"{self.practice_path}_id": practice_id})

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        owner = admin_owner(request)
        if owner is None:
            return queryset.none()
        return self.scope(queryset, owner.practice_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related, PracticeScopedAdmin):
            kwargs["queryset"] = related.get_queryset(request)
        elif not request.user.is_superuser:
            # A foreign key to an unscoped model would list every practice's rows.
            kwargs["queryset"] = db_field.related_model._default_manager.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related, PracticeScopedAdmin):
            kwargs["queryset"] = related.get_queryset(request)
        elif not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model._default_manager.none()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # --- permissions: owners by the flags above, superusers by Django's ---

    def _owner(self, request):
        return None if request.user.is_superuser else admin_owner(request)

    def has_module_permission(self, request):
        if request.user.is_superuser:
            return super().has_module_permission(request)
        return self._owner(request) is not None

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_view_permission(request, obj)
        return self._owner(request) is not None

    def has_add_permission(self, request):
        if request.user.is_superuser:
            return super().has_add_permission(request)
        return self.owner_can_add and self._owner(request) is not None

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return self.owner_can_change and self._owner(request) is not None

    def has_delete_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_delete_permission(request, obj)
        return self.owner_can_delete and self._owner(request) is not None

    # --- audit: every admin change, by type and uuid, never by value (S26, S27) ---

    def practice_of(self, obj):
        if not self.practice_path:
            return obj
        if "__" in self.practice_path:
            return Practice.objects.filter(
                pk__in=type(obj)
                ._base_manager.filter(pk=obj.pk)
                .values(f"{self.practice_path}__pk")
            ).first()
        return getattr(obj, self.practice_path)

    def audit(self, request, obj, operation: str, fields=()):
        owner = admin_owner(request)
        record_event(
            action=Action.ADMIN_CHANGE,
            actor=owner,
            request=request,
            practice=owner.practice if owner else self.practice_of(obj),
            actor_type=None if owner else ActorType.USER,
            actor_uuid=None if owner else request.user.uuid,
            target=obj if hasattr(obj, "uuid") else None,
            details={
                "model": obj._meta.label_lower,
                "operation": operation,
                "pk": str(obj.pk),
                "fields": sorted(fields),
            },
        )

    def log_addition(self, request, obj, message):
        self.audit(request, obj, "add")
        return super().log_addition(request, obj, message)

    def construct_change_message(self, request, form, formsets, add=False):
        # Field names (never values) for the audit event of this change.
        request.pixiodoc_changed_fields = list(form.changed_data) if form else []
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        fields = getattr(request, "pixiodoc_changed_fields", [])
        self.audit(request, obj, "change", fields)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self.audit(request, obj, "delete")
        return super().log_deletions(request, queryset)


# --- accounts' own models ------------------------------------------------------------


class PracticeAdminForm(forms.ModelForm):
    # A list to choose from: a mistyped zone would shift every time staff see.
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[(zone, zone) for zone in sorted(available_timezones())],
        help_text=_("Staff see every time in this zone."),
    )

    class Meta:
        model = Practice
        fields = ["name", "share_link_max_days", "language", "time_zone"]


@admin.register(Practice)
class PracticeAdmin(PracticeScopedAdmin):
    """The practice's settings, the owner's to change: name, limits, language, time zone."""

    practice_path = ""
    form = PracticeAdminForm
    list_display = ["name", "slug", "language", "time_zone", "created_at"]
    fields = [
        "name",
        "slug",
        "share_link_max_days",
        "language",
        "time_zone",
        "created_at",
    ]
    readonly_fields = ["slug", "created_at"]


class MemberAdminForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["role", "is_active"]

    def clean(self):
        cleaned = super().clean()
        member = self.instance
        stays_owner = cleaned.get("role") == Member.Role.OWNER and cleaned.get(
            "is_active"
        )
        if member.pk and member.role == Member.Role.OWNER and not stays_owner:
            others = (
                Member.objects.filter(
                    practice_id=member.practice_id,
                    role=Member.Role.OWNER,
                    is_active=True,
                )
                .exclude(pk=member.pk)
                .exists()
            )
            if not others:
                raise forms.ValidationError(
                    _(
                        "A practice needs an active owner: make someone else owner first."
                    )
                )
        return cleaned


@admin.register(Member)
class MemberAdmin(PracticeScopedAdmin):
    """Roles and deactivation; new members come in by invitation (Staff page)."""

    form = MemberAdminForm
    list_display = ["user_email", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    fields = ["user_email", "practice", "role", "is_active", "created_at"]
    readonly_fields = ["user_email", "practice", "created_at"]
    actions = None

    @admin.display(description=_("E-mail"))
    def user_email(self, obj):
        return obj.user.email

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "practice")

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        was_active = Member.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if was_active and not obj.is_active:
            end_all_sessions(user=obj.user)  # S5: deactivated means signed out


@admin.register(User)
class UserAdmin(PracticeScopedAdmin):
    """The people of the practice; owners may correct a name, nothing more."""

    practice_path = "memberships__practice"
    list_display = ["email", "full_name", "is_active", "last_login"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "is_active", "date_joined", "last_login"]
    readonly_fields = ["email", "is_active", "date_joined", "last_login"]
    actions = None
