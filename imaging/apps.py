from django.apps import AppConfig


class ImagingConfig(AppConfig):
    name = "imaging"
    verbose_name = "Imaging"

    def ready(self):
        # The timeline shows each visit's photos without `patients` naming us.
        from imaging import timeline

        timeline.register_sections()

        # A withdrawn teaching or publication consent unmarks the photos at once.
        from consent.hooks import on_withdrawal
        from imaging.services import unmark_after_withdrawal

        on_withdrawal("teaching", unmark_after_withdrawal)
        on_withdrawal("publication", unmark_after_withdrawal)
