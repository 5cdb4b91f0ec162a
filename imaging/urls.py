from django.urls import path, register_converter

from imaging import capture_views, tray_views, views


class RenditionConverter:
    regex = "thumb|display|original"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RenditionConverter, "rendition")

app_name = "imaging"
urlpatterns = [
    path("<uuid:uuid>/", views.viewer, name="viewer"),
    path("<uuid:uuid>/<rendition:rendition>/", views.rendition, name="rendition"),
    path("<uuid:uuid>/annotation/", views.annotate, name="annotate"),
    path("<uuid:uuid>/delete/", views.delete, name="delete"),
    path("<uuid:uuid>/mark/", views.mark, name="mark"),
    path("visits/<uuid:uuid>/add/", views.add, name="add"),
    path("visits/<uuid:uuid>/upload/", views.upload, name="upload"),
    path("visits/<uuid:uuid>/capture/", capture_views.capture, name="capture"),
    path(
        "patients/<uuid:uuid>/capture/",
        capture_views.capture_today,
        name="capture_today",
    ),
    path("patients/<uuid:uuid>/", views.gallery, name="gallery"),
    # The "From the patient" tray (issue 15): photos sent through a patient link.
    path(
        "tray/<uuid:uuid>/<rendition:rendition>/",
        tray_views.tray_rendition,
        name="tray_rendition",
    ),
    path("tray/<uuid:uuid>/accept/", tray_views.tray_accept, name="tray_accept"),
    path("tray/<uuid:uuid>/reject/", tray_views.tray_reject, name="tray_reject"),
    path("patients/<uuid:uuid>/compare/", views.compare, name="compare"),
]
