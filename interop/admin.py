"""The owner's settings for DICOM and PACS in the admin, scoped to the practice (S9).

Owners set the practice's UID root (before the first export, or knowing that
UIDs derived afterwards change) and add, change or remove PACS destinations;
secrets are write-only here: the form never shows a stored one.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from interop.models import DicomSettings, PacsDestination
from pixiodoc.accounts.admin import PracticeScopedAdmin
from pixiodoc.accounts.admin_site import admin_owner


class OwnPracticeAdmin(PracticeScopedAdmin):
    """Rows an owner adds belong to the owner's practice."""

    owner_can_add = True

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.practice = admin_owner(request).practice
        super().save_model(request, obj, form, change)


@admin.register(DicomSettings)
class DicomSettingsAdmin(OwnPracticeAdmin):
    fields = ["uid_root"]
    list_display = ["uid_root", "updated_at"]


class DestinationForm(forms.ModelForm):
    url = forms.URLField(
        required=False, max_length=300, assume_scheme="https", label=_("DICOMweb URL")
    )
    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Password (basic) or token (bearer); leave empty to keep the stored one."
        ),
    )

    class Meta:
        model = PacsDestination
        fields = [
            "name",
            "protocol",
            "url",
            "ae_title",
            "host",
            "port",
            "calling_ae_title",
            "auth",
            "username",
            "secret",
        ]

    def clean_secret(self):
        return self.cleaned_data["secret"] or (
            self.instance.secret if self.instance.pk else ""
        )


@admin.register(PacsDestination)
class PacsDestinationAdmin(OwnPracticeAdmin):
    form = DestinationForm
    owner_can_delete = True
    list_display = ["name", "protocol", "address", "auth", "created_at"]
