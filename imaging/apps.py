from django.apps import AppConfig


class ImagingConfig(AppConfig):
    name = "imaging"
    verbose_name = "Imaging"

    def ready(self):
        # The timeline shows each visit's photos without `patients` naming us.
        from imaging import timeline

        timeline.register_sections()

        from imaging import labels

        labels.register()  # the audit pages name photos

        # A withdrawn teaching or publication consent unmarks the photos at once.
        from consent.hooks import on_withdrawal
        from imaging.services import unmark_after_withdrawal

        on_withdrawal("teaching", unmark_after_withdrawal)
        on_withdrawal("publication", unmark_after_withdrawal)

        # The orphan sweep (patients.housekeeping) keeps every blob a Photo names,
        # deleted-but-not-yet-purged photos included.
        from patients.blobrefs import register_blob_references

        register_blob_references("imaging", referenced_blobs)

        # Lifecycle jobs (docs/jobs.md): the photos in a patient export, and the
        # nightly purge of deleted photos' blobs after their grace period.
        from imaging import lifecycle
        from patients.blobrefs import register_purge
        from patients.exports import register_section

        register_section("photos", lifecycle.export_section, order=20)
        # Photos the patient sent that wait in the tray are theirs as well (Art. 15).
        register_section("photos_from_patient", lifecycle.tray_export_section, order=21)
        register_purge("imaging-deleted-photos", lifecycle.purge_deleted_photos)

        # S29: every change to photos logged; clinical text and dates masked.
        from audit.changelog import register_phi_model
        from imaging.models import Annotation, Photo, TrayPhoto

        register_phi_model(
            Photo,
            phi_fields=["tags", "note", "deletion_reason", "captured_at"],
            exclude_fields=["sha256"],
        )
        register_phi_model(
            Annotation, phi_fields=["shapes"], exclude_fields=["updated_at"]
        )
        register_phi_model(
            TrayPhoto,
            phi_fields=["captured_at"],
            exclude_fields=["sha256", "sealed_key"],
        )


def referenced_blobs(patient_uuids):
    from imaging.models import Photo, TrayPhoto

    names = []
    for model in (Photo, TrayPhoto):
        for row in model.objects.filter(patient__uuid__in=patient_uuids).values_list(
            "thumb_blob", "display_blob", "original_blob"
        ):
            names.extend(row)
    return names
