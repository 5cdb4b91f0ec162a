from django.urls import path

from interop import views

app_name = "interop"

urlpatterns = [
    path("patients/<uuid:uuid>/dicom", views.dicom_patient, name="dicom_patient"),
    path("visits/<uuid:uuid>/dicom", views.dicom_visit, name="dicom_visit"),
    path("patients/<uuid:uuid>/fhir", views.fhir_patient, name="fhir_patient"),
    path("patients/<uuid:uuid>/pacs", views.push_patient, name="push_patient"),
    path("visits/<uuid:uuid>/pacs", views.push_visit, name="push_visit"),
]
