from django.contrib import admin
from django.urls import include, path

from pixiodoc import health, languages, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path(
        "jsi18n/<str:language>/",
        languages.javascript_catalog,
        name="javascript_catalog",
    ),
    path("accounts/", include("pixiodoc.accounts.urls")),
    path("patients/", include("patients.urls")),
    path("consent/", include("consent.urls")),
    path("photos/", include("imaging.urls")),
    path("audit/", include("audit.urls")),
    path("interop/", include("interop.urls")),
    path("compliance/", include("compliance.urls")),
    path("admin/", admin.site.urls),
    path("", include("sharing.urls")),
    path("", include("teaching.urls")),
]

handler403 = "pixiodoc.views.error_403"
handler404 = "pixiodoc.views.error_404"
handler500 = "pixiodoc.views.error_500"
