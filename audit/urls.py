from django.urls import path

from audit import disclosure_views, views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("patients/<uuid:uuid>/", views.patient_events, name="patient"),
    path("members/<uuid:uuid>/", views.member_events, name="member"),
    path("disclosures/", disclosure_views.disclosures_find, name="disclosures_find"),
    path(
        "patients/<uuid:uuid>/disclosures/",
        disclosure_views.disclosures,
        name="disclosures",
    ),
    path(
        "patients/<uuid:uuid>/disclosures.pdf",
        disclosure_views.disclosures_pdf,
        name="disclosures_pdf",
    ),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.pdf", views.export_pdf, name="export_pdf"),
    path("verify/", views.verify_now, name="verify"),
    path("verify/<uuid:uuid>/", views.verification, name="verification"),
]
