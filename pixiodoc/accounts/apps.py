from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pixiodoc.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from pixiodoc.accounts import labels

        labels.register()  # the audit pages name members and users
