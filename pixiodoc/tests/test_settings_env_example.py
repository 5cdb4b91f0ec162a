"""`.env.example` documents every variable the settings and deploy config read."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
READERS = {
    "pixiodoc/settings.py": r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"',
    "deploy/gunicorn.conf.py": r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]+)"',
    "Makefile": r"^([A-Z][A-Z0-9_]+) \?=",
}
NOT_CONFIGURATION = {"PYTHON"}  # Makefile's choice of interpreter for the venv


def documented() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_env_example_documents_every_variable():
    read = set()
    for path, pattern in READERS.items():
        source = (ROOT / path).read_text()
        read |= set(re.findall(pattern, source, flags=re.MULTILINE))
    assert "SECRET_KEY" in read and "GUNICORN_BIND" in read  # the patterns work
    missing = read - documented() - NOT_CONFIGURATION
    assert not missing, f"add these to .env.example with a comment: {sorted(missing)}"
