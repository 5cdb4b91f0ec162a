"""A consent purpose named inside a sentence, as each language writes it."""

from django.utils.translation import get_language

from consent.models import Purpose

# German capitalises nouns: its purposes keep their capital inside a sentence.
KEEP_CAPITALS = ("de",)


def purpose_in_sentence(code: str) -> str:
    label = str(Purpose(code).label)
    if (get_language() or "").split("-")[0] in KEEP_CAPITALS:
        return label
    return label[:1].lower() + label[1:]
