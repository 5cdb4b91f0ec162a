from django.urls import path

from sharing import recipient_views, views

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
    # Members: the "Shared links" page and actions on one link.
    path("shares/", views.link_list, name="list"),
    path("shares/new/<uuid:uuid>/", views.link_create, name="create"),
    path("shares/<uuid:uuid>/", views.link_detail, name="detail"),
    path("shares/<uuid:uuid>/revoke/", views.link_revoke, name="revoke"),
    path("shares/<uuid:uuid>/extend/", views.link_extend, name="extend"),
    path("shares/<uuid:uuid>/passcode/", views.link_new_passcode, name="passcode"),
]
