from django.apps import AppConfig


class ImagingConfig(AppConfig):
    name = "imaging"
    verbose_name = "Imaging"

    def ready(self):
        # The timeline shows each visit's photos without `patients` naming us.
        from imaging import timeline

        timeline.register_sections()
