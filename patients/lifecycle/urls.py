from django.urls import path

from patients.lifecycle import request_views, views

urlpatterns = [
    path("retention/", views.retention_page, name="retention"),
    path("retention/policy/", views.retention_policy, name="retention_policy"),
    path("retention/holds/", views.hold_place, name="hold_place"),
    path(
        "retention/holds/<uuid:uuid>/release/",
        views.hold_release,
        name="hold_release",
    ),
    path("erasures/", views.erasure_list, name="erasures"),
    path("erasures/new/", views.erasure_create, name="erasure_create"),
    path("erasures/<uuid:uuid>/", views.erasure_detail, name="erasure"),
    path(
        "erasures/<uuid:uuid>/approve/", views.erasure_approve, name="erasure_approve"
    ),
    path("erasures/<uuid:uuid>/reject/", views.erasure_reject, name="erasure_reject"),
    path("erasures/<uuid:uuid>/retry/", views.erasure_retry, name="erasure_retry"),
    path(
        "erasures/<uuid:uuid>/certificate.pdf",
        views.erasure_certificate,
        name="erasure_certificate",
    ),
    path("<uuid:uuid>/export/", views.export_start, name="export_start"),
    path("exports/<uuid:uuid>/", views.export_detail, name="export"),
    path(
        "exports/<uuid:uuid>/download/", views.export_download, name="export_download"
    ),
    path("requests/", request_views.request_list, name="requests"),
    path("requests/new/", request_views.request_create, name="request_create"),
    path("requests/<uuid:uuid>/", request_views.request_detail, name="request"),
    path(
        "requests/<uuid:uuid>/extend/",
        request_views.request_extend,
        name="request_extend",
    ),
    path(
        "requests/<uuid:uuid>/close/", request_views.request_close, name="request_close"
    ),
    path(
        "requests/<uuid:uuid>/export/",
        request_views.request_export,
        name="request_export",
    ),
    path(
        "requests/<uuid:uuid>/export/download/",
        request_views.request_export_download,
        name="request_export_download",
    ),
    path(
        "requests/<uuid:uuid>/erasure/",
        request_views.request_erasure,
        name="request_erasure",
    ),
]
