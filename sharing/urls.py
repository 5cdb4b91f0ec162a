from django.urls import path

from sharing import patient_link_views, patient_views, recipient_views, views

app_name = "sharing"
urlpatterns = [
    # Public: the token is the capability (S21); every refusal looks the same (S23).
    path("s/<str:token>/", recipient_views.share_page, name="open"),
    path(
        "s/<str:token>/photos/<uuid:photo>/",
        recipient_views.share_photo,
        name="photo",
    ),
    path(
        "s/<str:token>/photos/<uuid:photo>/download/",
        recipient_views.share_download,
        name="download",
    ),
    # Public: a patient's own link (issue 15); the identity check comes first.
    path("p/<str:token>/", patient_views.patient_page, name="patient_open"),
    path(
        "p/<str:token>/consents/<uuid:consent>/pdf/",
        patient_views.patient_consent_pdf,
        name="patient_pdf",
    ),
    path(
        "p/<str:token>/withdraw/<str:purpose>/",
        patient_views.patient_withdraw,
        name="patient_withdraw",
    ),
    path(
        "p/<str:token>/erasure/", patient_views.patient_erasure, name="patient_erasure"
    ),
    path(
        "p/<str:token>/photos/", patient_views.patient_capture, name="patient_capture"
    ),
    path(
        "p/<str:token>/photos/send/",
        patient_views.patient_upload,
        name="patient_upload",
    ),
    path(
        "p/<str:token>/photos/ghost/<uuid:photo>/",
        patient_views.patient_ghost,
        name="patient_ghost",
    ),
    path(
        "p/<str:token>/data-copy/",
        patient_views.patient_data_copy,
        name="patient_data_copy",
    ),
    # Members: patient links are made from the patient's timeline.
    path(
        "patient-links/new/<uuid:uuid>/",
        patient_link_views.patient_link_create,
        name="patient_link_create",
    ),
    path(
        "patient-links/<uuid:uuid>/revoke/",
        patient_link_views.patient_link_revoke,
        name="patient_link_revoke",
    ),
    # Members: the "Shared links" page and actions on one link.
    path("shares/", views.link_list, name="list"),
    path("shares/new/<uuid:uuid>/", views.link_create, name="create"),
    path("shares/<uuid:uuid>/", views.link_detail, name="detail"),
    path("shares/<uuid:uuid>/revoke/", views.link_revoke, name="revoke"),
    path("shares/<uuid:uuid>/extend/", views.link_extend, name="extend"),
    path("shares/<uuid:uuid>/passcode/", views.link_new_passcode, name="passcode"),
]
