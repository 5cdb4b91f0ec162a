"""A tiny, safe Markdown subset for consent wording (no dependency, nothing unescaped).

Everything is HTML-escaped first; then only these are recognised: blank-line
paragraphs, `# `/`## ` headings, `- ` bullet lists and `**bold**`. Links, images
and raw HTML stay literal text: a form a patient signs must not carry markup
that could hide wording or reach another origin.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(\S(?:.*?\S)?)\*\*")


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(text))


def render(body: str) -> SafeString:
    blocks = re.split(r"\n\s*\n", (body or "").replace("\r\n", "\n").strip())
    html: list[str] = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        elif len(lines) == 1 and lines[0].startswith("## "):
            html.append(f"<h3>{_inline(lines[0][3:])}</h3>")
        elif len(lines) == 1 and lines[0].startswith("# "):
            html.append(f"<h2>{_inline(lines[0][2:])}</h2>")
        else:
            html.append(f"<p>{'<br>'.join(_inline(line) for line in lines)}</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece escaped above
