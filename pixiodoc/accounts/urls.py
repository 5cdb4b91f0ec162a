from django.urls import path

from pixiodoc.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("practice/", views.choose_practice, name="choose_practice"),
    path("logout/", views.sign_out, name="logout"),
]
