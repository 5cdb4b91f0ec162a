from django.apps import AppConfig


class PixioDocConfig(AppConfig):
    name = "pixiodoc"
    verbose_name = "PixioDoc"
