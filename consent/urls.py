from django.urls import path

from consent import views

app_name = "consent"
urlpatterns = [
    path("patients/<uuid:uuid>/record/", views.start, name="start"),
    path(
        "patients/<uuid:uuid>/default-forms/",
        views.add_default_templates,
        name="add_defaults",
    ),
    path("patients/<uuid:uuid>/withdraw/", views.withdraw, name="withdraw"),
    path("patients/<uuid:uuid>/override/", views.override, name="override"),
    path("kiosk/", views.kiosk_form, name="kiosk"),
    path("kiosk/leave/", views.kiosk_leave, name="kiosk_leave"),
    path("forms/", views.template_list, name="templates"),
    path("forms/defaults/", views.template_defaults, name="template_defaults"),
    path("forms/new/", views.template_new, name="template_new"),
    path("forms/<uuid:uuid>/", views.template_edit, name="template_edit"),
    path(
        "forms/<uuid:uuid>/language/",
        views.template_language,
        name="template_language",
    ),
    path("forms/override/", views.override_setting, name="override_setting"),
    # A signed consent has no edit URL (S30): view, print, download, e-mail only.
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/print/", views.print_view, name="print"),
    path("<uuid:uuid>/pdf/", views.pdf, name="pdf"),
    path("<uuid:uuid>/email/", views.email, name="email"),
]
