"""No English left on the main pages in German, French and Spanish (issue 18, point 4).

Each page of `STAFF_PAGES` and `PUBLIC_PAGES` is rendered once in English and
once in each other language, and its visible text (text nodes, and the labels
people hear or hover: aria-label, alt, title, placeholder) is compared. A piece of
text of two words or more, or a known interface label, that reads the same in
English and in the other language is English left untranslated. Data (names,
record numbers, the practice's own wording) is taken out first.

The failure lists each English string and the pages it is on: that is the list
of what is left to mark and translate. Add pages to the lists below; they are
filled with the objects of the URL walk (pixiodoc/tests/security/urlmap.py).
"""

import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from pixiodoc.accounts.permissions import role_may
from pixiodoc.testing import ROLES, make_member, sign_in
from pixiodoc.tests import pofile
from pixiodoc.tests.security import urlmap
from pixiodoc.tests.test_translations import BASE, catalogue

ENGLISH = "en-gb"
LANGUAGES = ("de", "fr", "es")

# Staff pages: URL name, and the objects for its arguments where the URL walk's
# would show too little (a timeline with photos rather than an empty one).
STAFF_PAGES = [
    ("home", {}),
    ("patients:list", {}),
    ("patients:create", {}),
    ("patients:timeline", {"uuid": "photo_patient"}),
    ("patients:edit", {}),
    ("patients:visit_create", {}),
    ("patients:visit_edit", {}),
    ("imaging:add", {}),
    ("imaging:capture", {}),
    ("imaging:viewer", {}),
    ("imaging:gallery", {"uuid": "photo_patient"}),
    ("imaging:compare", {"uuid": "photo_patient"}),
    ("consent:start", {}),
    ("consent:detail", {}),
    ("consent:templates", {}),
    ("consent:template_new", {}),
    ("sharing:list", {}),
    ("sharing:create", {}),
    ("sharing:detail", {}),
    ("sharing:revoke", {}),
    ("sharing:patient_link_create", {}),
    ("audit:list", {}),
    ("compliance:desk", {}),
    ("patients:retention", {}),
    ("patients:erasures", {}),
    ("patients:erasure_create", {}),
    ("patients:erasure", {}),
    ("patients:requests", {}),
    ("patients:request_create", {}),
    ("patients:request", {}),
    ("audit:disclosures_find", {}),
    ("compliance:breach", {}),
    ("teaching:library", {}),
    ("teaching:settings", {}),
    ("teaching:case", {}),
    ("accounts:security", {}),
    ("accounts:members", {}),
    ("accounts:password_change", {}),
]
# Pages for patients, recipients and people not signed in: the browser's language.
PUBLIC_PAGES = [
    ("accounts:login", {}),
    ("accounts:password_reset", {}),
    ("accounts:invitation", {}),
    ("sharing:open", {}),
    ("sharing:patient_open", {}),
    ("teaching:shared", {}),
]

# Labels of one word that must not stay English where the catalogue says otherwise.
LABELS = {
    "Add", "Back", "Cancel", "Close", "Compare", "Confirm", "Consent", "Continue",
    "Delete", "Details", "Download", "Edit", "Export", "Filter", "Left", "Next",
    "Notes", "Open", "Patients", "Photos", "Previous", "Print", "Remove", "Revoke",
    "Right", "Save", "Search", "Share", "Status", "Tags", "Timeline", "Today",
    "Upload", "View", "Visit", "Visits", "Withdraw", "Yes", "No",
}  # fmt: skip
WORD = re.compile(r"\b[^\W\d_]{2,}\b")  # letters only: not a uuid's "aaef"
# What the pages show that is data, not interface: (model, fields).
DATA_FIELDS = [
    ("accounts.Practice", ["name"]),
    ("accounts.User", ["full_name", "email"]),
    ("patients.Patient", ["given_name", "family_name", "record_number"]),
    ("consent.TemplateText", ["title", "body"]),
    ("sharing.ShareLink", ["recipient_name", "recipient_email"]),
    ("teaching.TeachingCase", ["title"]),
    ("teaching.TeachingImage", ["title", "diagnosis", "tags"]),
]
BRAND = "PixioDoc"
SHOWN_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")


class VisibleText(HTMLParser):
    """The text a person reads or hears on a page, one string per node."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.texts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        self.texts += [value for name, value in attrs if name in SHOWN_ATTRIBUTES]

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.texts.append(data)


def visible_texts(html: str, data: list[str]) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    found = set()
    for text in parser.texts:
        for value in data:
            text = text.replace(value, " ")
        text = " ".join(text.split())
        if WORD.search(text):
            found.add(text)
    return found


def data_strings() -> list[str]:
    """Every stored value the pages may show, longest first (so parts go last)."""
    values = {BRAND}
    for label, fields in DATA_FIELDS:
        model = apps.get_model(label)
        names = {f.name for f in model._meta.get_fields()}
        for row in model._base_manager.all():
            for name in fields:
                if name in names:
                    value = str(getattr(row, name) or "")
                    values.update(line.strip() for line in value.splitlines())
    return sorted((v for v in values if v), key=len, reverse=True)


def same_in_translation(lang: str) -> set[str]:
    """Interface strings whose translation is the English word itself ("Status")."""
    same = set()
    for domain in ("django", "djangojs"):
        for entry in pofile.read(catalogue(BASE, lang, domain)):
            if entry.msgstr and entry.msgstr[0] == entry.msgid:
                same.add(entry.msgid)
    return same


def is_english(text: str, same: set[str]) -> bool:
    if text in same:
        return False
    return len(WORD.findall(text)) >= 2 or text in LABELS


def url_for(name: str, kinds: dict, members) -> str:
    rule = urlmap.URLS[name]
    kwargs = {}
    for argument, kind in {**rule.kwargs, **kinds}.items():
        made = urlmap.OBJECTS[kind](members)
        kwargs[argument] = made if isinstance(made, str) else getattr(made, argument)
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{rule.query}" if rule.query else url


def member_for(name: str, members):
    """A member whose role opens the page (the owner where any member may)."""
    rule = urlmap.URLS[name]
    if rule.kind != urlmap.MAY:
        return members["owner"]
    return next(members[r] for r in ROLES if role_may(r, rule.action))


@pytest.fixture
def cast(db, practice):
    practice.name = "Zq Xv"  # no English word that could pass for the interface's
    practice.save()
    return {role: make_member(practice, role) for role in ROLES}


def render_all(cast):
    """{page: {language: html}} for every listed page, and pages that did not render."""
    pages, broken = defaultdict(dict), []
    clients = {}
    for name, kinds in STAFF_PAGES:
        member = member_for(name, cast)
        if member.pk not in clients:
            clients[member.pk] = sign_in(Client(), member)
        client = clients[member.pk]
        url = url_for(name, kinds, cast)
        for lang in (ENGLISH, *LANGUAGES):
            type(member).objects.filter(pk=member.pk).update(language=lang)
            if not _page(pages, broken, name, lang, client.get(url)):
                break
    for name, kinds in PUBLIC_PAGES:
        url = url_for(name, kinds, cast)
        for lang in (ENGLISH, *LANGUAGES):
            response = Client().get(url, HTTP_ACCEPT_LANGUAGE=lang)
            if not _page(pages, broken, name, lang, response):
                break
    return pages, broken


def _page(pages, broken, name, lang, response) -> bool:
    if response.status_code != 200 or "text/html" not in response["Content-Type"]:
        broken.append(
            f"{name} [{lang}]: {response.status_code} {response['Content-Type']}"
        )
        return False
    pages[name][lang] = response.content.decode()
    return True


def test_no_english_is_left_on_the_main_pages(cast):
    pages, broken = render_all(cast)
    data = data_strings()
    same = {lang: same_in_translation(lang) for lang in LANGUAGES}
    left = defaultdict(lambda: defaultdict(set))  # text -> page -> languages
    for name, html in pages.items():
        english = visible_texts(html[ENGLISH], data)
        for lang in LANGUAGES:
            for text in english & visible_texts(html[lang], data):
                if is_english(text, same[lang]):
                    left[text][name].add(lang)
    per_page = defaultdict(int)
    for where in left.values():
        for name in where:
            per_page[name] += 1
    assert not (left or broken), (
        "".join(f"Did not render as a page: {b}\n" for b in broken)
        + f"{len(left)} English string(s) left untranslated on {len(per_page)} page(s) "
        "(mark them, run `make messages`, translate; README “Languages”).\n"
        "Per page: "
        + ", ".join(f"{name} {n}" for name, n in sorted(per_page.items()))
        + "\n"
        + "\n".join(
            f"  {text!r}  on "
            + ", ".join(
                f"{name} ({'/'.join(sorted(langs))})"
                for name, langs in sorted(where.items())
            )
            for text, where in sorted(left.items())
        )
    )


# --- the checker itself ---------------------------------------------------------


def test_visible_text_leaves_out_scripts_and_data_and_keeps_labels():
    html = (
        '<p>Take photos of <b>Ada Lovelace</b></p><script>var x = "Not shown";</script>'
        '<button aria-label="Remove box 1">×</button><p>R-00001 · 12:30</p>'
        "<p>5a942144-2b88-4f90-9901-aaef063c38bd</p>"
    )
    assert visible_texts(html, ["Ada", "Lovelace", "R-00001"]) == {
        "Take photos of",
        "Remove box 1",
    }


def test_a_label_or_sentence_is_english_unless_the_catalogue_keeps_it():
    same = {"Status"}
    assert is_english("Save", same)
    assert is_english("Recent patients", same)
    assert not is_english("Status", same)  # German "Status"
    assert not is_english("Lovelace", same)  # one word, not a label
    assert not is_english("5a942144-2b88-4f90-9901-aaef063c38bd", same)
