"""Keyed blind index: HMAC of normalised tokens, so search works without plaintext (DESIGN.md §4).

The database holds only HMAC-SHA256 digests under BLIND_INDEX_KEY; without the
key a digest cannot be tested against a guessed name. While the key is being
rotated (`rotate_keys --blind-index`), BLIND_INDEX_KEY lists the new key first
and the old ones after it: new digests use the first, lookups try them all.
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


def digest(kind: str, value: str, *, key: str | None = None) -> str:
    """The digest under `key`, by default the current (first) index key."""
    secret = (key or settings.BLIND_INDEX_KEY).encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def old_keys() -> list[str]:
    """Index keys being rotated away from; empty outside a rotation."""
    return list(settings.BLIND_INDEX_OLD_KEYS)


def record_number_digest(record_number: str, *, key: str | None = None) -> str:
    return digest("record", normalise(record_number).replace(" ", ""), key=key)


def record_number_lookup(record_number: str) -> set[str]:
    """Digests a stored record number may have: the current key's and old keys'."""
    return {
        record_number_digest(record_number, key=key)
        for key in [settings.BLIND_INDEX_KEY, *old_keys()]
    }


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
    keys = [settings.BLIND_INDEX_KEY, *old_keys()]
    for word in query.split():
        parsed = parse_search_date(word)
        options = set()
        for key in keys:
            options.add(record_number_digest(word, key=key))
            options |= {digest("name", token, key=key) for token in name_tokens(word)}
            if parsed:
                options.add(digest("dob", parsed.isoformat(), key=key))
        alternatives.append(options)
    return alternatives
