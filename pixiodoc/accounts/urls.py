from django.urls import path

from pixiodoc.accounts import passkey_views, staff_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path(
        "two-factor/passkey/enrol/options/",
        passkey_views.enrol_options,
        name="passkey_enrol_options",
    ),
    path("two-factor/passkey/enrol/", passkey_views.enrol, name="passkey_enrol"),
    path(
        "two-factor/passkey/options/",
        passkey_views.sign_in_options,
        name="passkey_options",
    ),
    path("two-factor/passkey/", passkey_views.verify, name="passkey_verify"),
    path("practice/", views.choose_practice, name="choose_practice"),
    path("logout/", views.sign_out, name="logout"),
    path("keep-alive/", views.keep_alive, name="keep_alive"),
    path("security/", views.security, name="security"),
    path("security/language/", views.language, name="language"),
    path("security/password/", views.password_change, name="password_change"),
    path(
        "security/authenticator/",
        views.authenticator_replace,
        name="authenticator_replace",
    ),
    path("security/passkey/remove/", passkey_views.remove, name="passkey_remove"),
    path("security/backup-codes/", views.backup_codes_renew, name="backup_codes"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("members/", staff_views.member_list, name="members"),
    path("members/<uuid:uuid>/role/", staff_views.member_role, name="member_role"),
    path(
        "members/<uuid:uuid>/deactivate/",
        staff_views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "members/<uuid:uuid>/reset-two-factor/",
        staff_views.member_reset_two_factor,
        name="member_reset_two_factor",
    ),
    path(
        "invitations/<uuid:uuid>/revoke/",
        staff_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", staff_views.invitation, name="invitation"),
]
