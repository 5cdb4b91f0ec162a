from django.urls import path

from compliance import views

app_name = "compliance"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("record-of-processing.pdf", views.processing_record, name="record"),
    path("breach/", views.breach, name="breach"),
    path("breach.pdf", views.breach_pdf, name="breach_pdf"),
    path(
        "break-glass/<uuid:uuid>/review/",
        views.break_glass_decide,
        name="break_glass_review",
    ),
]
