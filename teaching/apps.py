from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeachingConfig(AppConfig):
    name = "teaching"
    verbose_name = _("Teaching library")

    def ready(self):
        # A withdrawal hides the patient's teaching images at once (S30); the
        # consent app never names us (DESIGN.md §1).
        from consent.hooks import on_withdrawal
        from teaching.services import hide_after_withdrawal, unclear_after_withdrawal

        on_withdrawal("teaching", hide_after_withdrawal)
        on_withdrawal("publication", unclear_after_withdrawal)

        from teaching import labels

        labels.register()  # the audit pages name teaching images, cases, links

        # The photo page links to the editor without imaging naming us.
        from imaging.photo_actions import register_photo_action

        register_photo_action(
            label=_("De-identify for teaching"),
            url_name="teaching:editor",
            action="edit_teaching",
        )

        # The orphan sweep keeps every blob a TeachingImage names.
        from patients.blobrefs import register_blob_references

        register_blob_references("teaching", referenced_blobs)

        # S31: the patient's export holds the images made from their photos.
        from patients.exports import register_section
        from teaching import lifecycle

        register_section("teaching", lifecycle.export_section, order=40)

        # S29: changes logged, free text masked.
        from audit.changelog import register_phi_model
        from teaching.models import TeachingCase, TeachingImage, TeachingShareLink

        register_phi_model(
            TeachingImage, phi_fields=["title", "diagnosis", "tags"], exclude_fields=[]
        )
        register_phi_model(TeachingCase, phi_fields=["title"], exclude_fields=[])
        # A link is an access right: who made it, to which images, revoked when.
        register_phi_model(
            TeachingShareLink, exclude_fields=["token_hash"], m2m_fields=["images"]
        )


def referenced_blobs(patient_uuids):
    from teaching.models import TeachingImage

    names = []
    for row in TeachingImage.objects.filter(
        patient__uuid__in=patient_uuids
    ).values_list("display_blob", "thumb_blob"):
        names.extend(row)
    return names
