from django.urls import path

from teaching import case_views, recipient_views, views

app_name = "teaching"
urlpatterns = [
    path("teaching/", views.library_page, name="library"),
    path("teaching/settings/", case_views.settings_page, name="settings"),
    path("teaching/photos/<uuid:uuid>/", views.editor, name="editor"),
    path("teaching/photos/<uuid:uuid>/save/", views.save_image, name="deidentify"),
    path("teaching/images/<uuid:uuid>/", views.image_page, name="image"),
    path(
        "teaching/images/<uuid:uuid>/<str:rendition>.jpg",
        views.image_file,
        name="image_file",
    ),
    path(
        "teaching/images/<uuid:uuid>/download/",
        views.image_download,
        name="image_download",
    ),
    path("teaching/images/<uuid:uuid>/delete/", views.image_delete, name="delete"),
    path(
        "teaching/images/<uuid:uuid>/publication/",
        views.image_publication,
        name="publication",
    ),
    path("teaching/cases/<uuid:uuid>/", case_views.case_page, name="case"),
    path("teaching/cases/<uuid:uuid>/export/", case_views.case_export, name="export"),
    path("teaching/cases/<uuid:uuid>/share/", case_views.case_share, name="share"),
    path("teaching/links/<uuid:uuid>/revoke/", case_views.share_revoke, name="revoke"),
    # Public: the token is the capability (S21); every refusal looks the same (S23).
    path("t/<str:token>/", recipient_views.shared_case, name="shared"),
    path(
        "t/<str:token>/images/<uuid:image>.jpg",
        recipient_views.shared_image,
        name="shared_image",
    ),
]
