from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pixiodoc.accounts"
    label = "accounts"
    verbose_name = "Accounts"
