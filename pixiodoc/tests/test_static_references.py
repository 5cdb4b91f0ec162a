"""Every {% static %} a template names exists: production's manifest storage
answers a missing one with a 500 on that page, while the tests' plain storage would not."""

import re
from pathlib import Path

from django.conf import settings

STATIC_REFERENCE = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]""")


def test_every_static_file_a_template_names_exists():
    base = Path(settings.BASE_DIR)
    missing = [
        f"{template.relative_to(base)}: {name}"
        for template in (base / "templates").rglob("*.html")
        for name in STATIC_REFERENCE.findall(template.read_text())
        if not (base / "static" / name).is_file()
    ]
    assert missing == []
