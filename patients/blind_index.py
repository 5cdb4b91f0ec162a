"""Keyed blind index: HMAC of normalised tokens, so search works without plaintext (DESIGN.md §4).

The database holds only HMAC-SHA256 digests under BLIND_INDEX_KEY; without the
key a digest cannot be tested against a guessed name.
"""

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from django.conf import settings

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Fold case and accents so "Ångström" and "angstrom" meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_tokens(*names: str) -> set[str]:
    return {token for name in names for token in _WORD.findall(normalise(name or ""))}


def digest(kind: str, value: str) -> str:
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def record_number_digest(record_number: str) -> str:
    return digest("record", normalise(record_number).replace(" ", ""))


def birth_date_digest(value: date) -> str:
    return digest("dob", value.isoformat())


def name_digests(*names: str) -> set[str]:
    return {digest("name", token) for token in name_tokens(*names)}


def query_digests(query: str) -> list[set[str]]:
    """For each word of a search, the digests it may match (name, record number or date).

    A patient matches when every word matches one of its terms.
    """
    from patients.dates import parse_search_date

    alternatives = []
    for word in query.split():
        options = {record_number_digest(word)} | name_digests(word)
        parsed = parse_search_date(word)
        if parsed:
            options.add(birth_date_digest(parsed))
        alternatives.append(options)
    return alternatives
