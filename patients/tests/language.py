"""Pages in another language, as a member who chose it sees them (issue 18)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def default_language(settings):
    """Each test starts in the default language, whatever a page before it chose:
    the language middlewares leave theirs active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def speaking(settings):
    """speaking(member, "de"): the member's own language, which staff pages follow.

    The language middleware leaves the language it chose active in this thread,
    so it is reset afterwards: the next test must not run in German.
    """

    def choose(member, language: str):
        member.language = language
        member.save(update_fields=["language"])
        return member

    yield choose
    translation.activate(settings.LANGUAGE_CODE)
