"""Pages in another language, as a member whose browser asks for it sees them (issue 18)."""

import pytest
from django.utils import translation

LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"


@pytest.fixture
def speaking(settings):
    """speaking(client, "de"): the client sends the language cookie LocaleMiddleware reads.

    Until the project's own language middleware is on main, Django's
    LocaleMiddleware is added after the session one. The middleware leaves the
    language it chose active in this thread, so it is reset afterwards: the
    next test must not run in German.
    """
    if LOCALE_MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        at = middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
        middleware.insert(at + 1, LOCALE_MIDDLEWARE)
        settings.MIDDLEWARE = middleware

    def client_in(client, language: str):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    yield client_in
    translation.activate(settings.LANGUAGE_CODE)
