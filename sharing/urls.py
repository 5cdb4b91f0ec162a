from django.urls import path

from sharing import recipient_views

app_name = "sharing"
urlpatterns = [
    # Public: the token is the capability (S21); every refusal looks the same (S23).
    path("s/<str:token>/", recipient_views.share_page, name="open"),
]
