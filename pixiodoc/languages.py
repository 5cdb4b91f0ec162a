"""Which language and time zone a request is answered in (issue 18).

Django's LocaleMiddleware first picks a language from the browser
(Accept-Language, among settings.LANGUAGES). Then, for signed-in staff,
`StaffLocaleMiddleware` overrides it with the member's own language, or their
practice's when they chose none, and shows times in the practice's time zone.

Pages for patients and outside recipients (share links, patient links, shared
teaching cases) follow the browser only: whoever opens them may not read the
language of the member who happens to be signed in on the same device.
"""

import zoneinfo

from django.conf import settings
from django.http import Http404
from django.utils import timezone, translation
from django.views.i18n import JavaScriptCatalog

from pixiodoc.accounts.decorators import second_factor_exempt
from pixiodoc.middleware import cacheable

# Opened by patients and recipients, never answered in a member's language.
BROWSER_LANGUAGE_PREFIXES = ("/s/", "/p/", "/t/")


def follows_browser(path: str) -> bool:
    return path.startswith(BROWSER_LANGUAGE_PREFIXES)


def show_times_of(practice) -> None:
    """Times on this request's pages in the practice's zone: staff pages get it from
    the member; a link's page calls it once it knows whose link it is."""
    timezone.activate(zoneinfo.ZoneInfo(practice.time_zone))


def activate_for_member(request, member) -> None:
    language = member.effective_language
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()
    show_times_of(member.practice)


class StaffLocaleMiddleware:
    """After MemberMiddleware: the member's language and the practice's time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        member = getattr(request, "member", None)
        if member is not None and not follows_browser(request.path):
            activate_for_member(request, member)
        try:
            return self.get_response(request)
        finally:
            # Thread-local: the next request on this thread starts from the default.
            timezone.deactivate()


@second_factor_exempt  # the two-factor pages' scripts speak the user's language too
@cacheable(max_age=60 * 60)
def javascript_catalog(request, language):
    """static/js strings in one language; the language is in the URL, so the
    answer is the same for everyone and caches (base.html asks for its page's)."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        # The project's catalogue (LOCALE_PATHS) only: the admin loads its own.
        return JavaScriptCatalog.as_view(packages=["pixiodoc"])(request)
