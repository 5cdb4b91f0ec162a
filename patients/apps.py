from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"

    def ready(self):
        from patients import blobrefs
        from patients.lifecycle import sections

        sections.register()
        blobrefs.register_blob_references("patients", _export_blob_names)


def _export_blob_names(patient_uuids):
    from patients.lifecycle.models import PatientExport

    return (
        PatientExport.objects.filter(patient__uuid__in=patient_uuids)
        .exclude(blob_name="")
        .values_list("blob_name", flat=True)
    )
