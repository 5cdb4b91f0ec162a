"""The catalogues are complete and compiled (issue 18, point 4).

- Every string marked in the source is in the committed catalogue of each
  language, translated and not fuzzy (makemessages is run on a copy of the
  source, so nothing here writes to the working tree).
- Each committed .mo says what its .po says (running needs no gettext tools).

What is shown on the pages in each language: test_no_english_left.py.
"""

import shutil
import subprocess
import sys
from gettext import GNUTranslations
from pathlib import Path

import pytest
from django.conf import settings

from pixiodoc.tests import pofile

LANGUAGES = ("de", "fr", "es")
DOMAINS = ("django", "djangojs")
CATALOGUES = [(lang, domain) for lang in LANGUAGES for domain in DOMAINS]
BASE = Path(settings.BASE_DIR)
NOT_SOURCE = (".venv", "var", ".git", "node_modules", "__pycache__", ".pytest_cache")


def catalogue(root: Path, lang: str, domain: str, suffix: str = "po") -> Path:
    return root / "locale" / lang / "LC_MESSAGES" / f"{domain}.{suffix}"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """A copy of the source with its catalogues brought up to date by makemessages."""
    missing = [tool for tool in ("xgettext", "msgmerge") if not shutil.which(tool)]
    if missing:
        pytest.skip(
            f"gettext tools missing ({', '.join(missing)}): apt install gettext"
        )
    root = tmp_path_factory.mktemp("source") / "pixiodoc"
    shutil.copytree(BASE, root, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "DJANGO_SETTINGS_MODULE": "pixiodoc.settings",
        "VAR_DIR": str(root / "var"),
        "HOME": str(root),
    }
    languages = [arg for lang in LANGUAGES for arg in ("-l", lang)]
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-d", domain, *languages],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
        )
    return root


@pytest.mark.parametrize(("lang", "domain"), CATALOGUES)
def test_every_marked_string_is_in_the_committed_catalogue(regenerated, lang, domain):
    committed = {e.key for e in pofile.read(catalogue(BASE, lang, domain))}
    current = {e.key for e in pofile.read(catalogue(regenerated, lang, domain))}
    missing, stale = sorted(current - committed), sorted(committed - current)
    assert not (missing or stale), (
        f"locale/{lang}/LC_MESSAGES/{domain}.po is not up to date: run `make messages`"
        " and translate.\n"
        + "".join(f"  marked but not in the catalogue: {m!r}\n" for m in missing)
        + "".join(f"  in the catalogue, no longer marked: {s!r}\n" for s in stale)
    )


@pytest.mark.parametrize(("lang", "domain"), CATALOGUES)
def test_every_message_is_translated_and_none_is_fuzzy(regenerated, lang, domain):
    path = catalogue(regenerated, lang, domain)
    check = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, f"msgfmt --check refuses {lang}/{domain}.po:\n" + (
        check.stderr
    )
    open_entries = [e for e in pofile.read(path) if not e.translated]
    assert not open_entries, (
        f"{len(open_entries)} message(s) of locale/{lang}/LC_MESSAGES/{domain}.po "
        f"are untranslated or fuzzy ({check.stderr.strip()}):\n"
        + "\n".join(
            f"  {'fuzzy' if 'fuzzy' in e.flags else 'untranslated'}: {e}"
            for e in open_entries
        )
    )


@pytest.mark.parametrize(("lang", "domain"), CATALOGUES)
def test_the_committed_mo_file_matches_its_po_file(lang, domain):
    with catalogue(BASE, lang, domain, "mo").open("rb") as compiled:
        mo = GNUTranslations(compiled)._catalog
    expected = {}
    for entry in pofile.read(catalogue(BASE, lang, domain)):
        if not entry.translated:
            continue  # msgfmt leaves these out: the English shows
        if entry.msgid_plural:
            for n, text in enumerate(entry.msgstr):
                expected[(entry.key, n)] = text
        else:
            expected[entry.key] = entry.msgstr[0]
    compiled_messages = {k: v for k, v in mo.items() if k != ""}  # "" is the header
    assert compiled_messages == expected, (
        f"locale/{lang}/LC_MESSAGES/{domain}.mo differs from its .po: run "
        "`make messages` (or manage.py compilemessages) and commit the .mo"
    )


def test_the_po_reader_reads_contexts_plurals_and_flags(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: de\\n"\n\n'
        'msgctxt "verb"\nmsgid "Open"\nmsgstr "Öffnen"\n\n'
        '#, fuzzy, python-format\nmsgid "%(n)s box"\nmsgid_plural "%(n)s boxes"\n'
        'msgstr[0] "%(n)s Feld"\nmsgstr[1] ""\n"%(n)s Felder"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Weg"\n',
        "utf-8",
    )
    opened, boxes = pofile.read(po)
    assert (opened.key, opened.msgstr, opened.translated) == (
        "verb\x04Open",
        ["Öffnen"],
        True,
    )
    assert boxes.msgstr == ["%(n)s Feld", "%(n)s Felder"]
    assert boxes.flags == {"fuzzy", "python-format"} and not boxes.translated
