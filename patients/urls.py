from django.urls import path

from patients import break_glass, views
from patients.lifecycle.urls import urlpatterns as lifecycle_urls

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_create, name="create"),
    path("break-glass/", break_glass.break_glass, name="break_glass"),
    path("<uuid:uuid>/", views.patient_timeline, name="timeline"),
    path("<uuid:uuid>/edit/", views.patient_edit, name="edit"),
    path("<uuid:uuid>/visits/new/", views.visit_create, name="visit_create"),
    path("visits/<uuid:uuid>/edit/", views.visit_edit, name="visit_edit"),
    *lifecycle_urls,
]
