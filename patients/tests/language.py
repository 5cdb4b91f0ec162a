"""Pages in another language, as a member whose browser asks for it sees them (issue 18)."""

from django.conf import settings

LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"


def speaking(client, language: str, django_settings):
    """The client, sending the language cookie LocaleMiddleware reads.

    Until the project's own language middleware is on main, the test adds
    Django's LocaleMiddleware after the session one (`django_settings` is
    pytest-django's `settings`, restored after the test).
    """
    middleware = list(django_settings.MIDDLEWARE)
    if LOCALE_MIDDLEWARE not in middleware:
        at = middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
        middleware.insert(at + 1, LOCALE_MIDDLEWARE)
        django_settings.MIDDLEWARE = middleware
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client
