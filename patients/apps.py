from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"

    def ready(self):
        from patients import blobrefs, labels
        from patients.lifecycle import disclosures, sections

        sections.register()
        disclosures.register()  # exports handed out count as disclosures (#16)
        labels.register()  # the audit pages name patients and visits
        blobrefs.register_blob_references("patients", _export_blob_names)
        from patients.lifecycle.housekeeping import resume_pending
        from pixiodoc.jobs import register_resender

        register_resender("patients", resume_pending)

        from audit.changelog import register_phi_model
        from audit.lookups import register_patient_lookup
        from patients.models import Patient, Visit
        from patients.selectors import patient_uuid_for_record_number

        # S29: every change logged, PHI masked; keys and digests not logged at all.
        register_phi_model(
            Patient,
            phi_fields=[
                "given_name",
                "family_name",
                "date_of_birth",
                "sex",
                "record_number",
                "email",
                "phone",
                "notes",
            ],
            exclude_fields=["record_number_digest", "wrapped_data_key", "updated_at"],
        )
        register_phi_model(
            Visit,
            phi_fields=["visit_on", "reason", "notes"],
            exclude_fields=["updated_at"],
        )
        # The audit pages find a patient by record number through the blind index.
        register_patient_lookup(patient_uuid_for_record_number)


def _export_blob_names(patient_uuids):
    from patients.lifecycle.models import PatientExport

    return (
        PatientExport.objects.filter(patient__uuid__in=patient_uuids)
        .exclude(blob_name="")
        .values_list("blob_name", flat=True)
    )
