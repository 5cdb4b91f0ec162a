"""Keys checked at start (#20): a process with the wrong keys refuses to start.

django-encrypted-model-fields returns ciphertext as the value when the field key
does not match, and a wrong blind-index key finds nothing: both fail silently.
So each key's check value is kept in the database (pixiodoc.models.KeyCheck),
and the web server and the worker compare the configured keys with them before
serving: one line naming the key, exit status 78 (configuration error).

A key seen for the first time is recorded. A recorded field or index key that is
no longer configured means data the process cannot read: refused. Rotations
retire the old key's check value once nothing remains under it.
"""

import hashlib
import hmac
import logging
import sys

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, transaction

logger = logging.getLogger(__name__)

EXIT_CONFIG = 78
_CHECK_TEXT = b"pixiodoc key check v1"


def check_value(key: bytes | str) -> str:
    secret = key.encode() if isinstance(key, str) else key
    return hmac.new(secret, _CHECK_TEXT, hashlib.sha256).hexdigest()[:32]


def _field_keys() -> list[str]:
    keys = settings.FIELD_ENCRYPTION_KEY
    return [keys] if isinstance(keys, str) else list(keys)


def _index_keys() -> list[str]:
    return [settings.BLIND_INDEX_KEY, *settings.BLIND_INDEX_OLD_KEYS]


def configured_checks(*, current_only: bool = False) -> dict[str, set[str]]:
    """kind -> check values of the keys this process is configured with.

    With `current_only`, the field and index keys being rotated away from are
    left out: only the key new data is written with gets recorded.
    """
    fields, indexes = _field_keys(), _index_keys()
    if current_only:
        fields, indexes = fields[:1], indexes[:1]
    checks = {
        f"kek:{version}": {check_value(key)}
        for version, key in settings.KEY_ENCRYPTION_KEYS.items()
    }
    checks["field"] = {check_value(k) for k in fields}
    checks["index"] = {check_value(k) for k in indexes}
    return checks


@transaction.atomic
def key_problems() -> list[str]:
    """What is wrong with the configured keys; records keys seen for the first time."""
    from pixiodoc.models import KeyCheck

    stored: dict[str, set[str]] = {}
    for kind, value in KeyCheck.objects.values_list("kind", "check_value"):
        stored.setdefault(kind, set()).add(value)
    configured = configured_checks()
    problems = []
    for kind, values in stored.items():
        if kind.startswith("kek:"):
            problems += _kek_problem(int(kind[4:]), values, configured.get(kind))
        elif values - configured.get(kind, set()):
            problems.append(_MISSING[kind])
    new = [
        KeyCheck(kind=kind, check_value=value)
        for kind, values in configured_checks(current_only=True).items()
        for value in values - stored.get(kind, set())
    ]
    if not problems:
        # Several processes may start at once: the unique constraint keeps one row.
        KeyCheck.objects.bulk_create(new, ignore_conflicts=True)
    return problems


_MISSING = {
    "field": "FIELD_ENCRYPTION_KEY does not match this database: a key its PHI "
    "fields are encrypted with is missing",
    "index": "BLIND_INDEX_KEY does not match this database: a key its search "
    "index was built with is missing",
}


def _kek_problem(version: int, stored: set[str], configured: set[str] | None):
    if configured is not None:
        if configured != stored:
            return [
                f"KEY_ENCRYPTION_KEYS version {version} does not match the key "
                "that wrapped this database's data keys"
            ]
        return []
    patient = apps.get_model("patients", "Patient")
    still = patient.objects.filter(
        kek_version=version, wrapped_data_key__isnull=False
    ).count()
    if still:
        return [
            f"KEY_ENCRYPTION_KEYS lacks version {version}, which still wraps "
            f"{still} data keys (run rotate_keys before dropping it)"
        ]
    return []


def retire(kind: str) -> None:
    """After a finished rotation: only the current `field` or `index` key is in use."""
    from pixiodoc.models import KeyCheck

    current = configured_checks(current_only=True)[kind]
    KeyCheck.objects.filter(kind=kind).exclude(check_value__in=current).delete()
    KeyCheck.objects.bulk_create(
        [KeyCheck(kind=kind, check_value=value) for value in current],
        ignore_conflicts=True,
    )


def refuse_to_start_on_wrong_keys() -> None:
    """Exit 78 with one line when the keys do not match (web and worker start)."""
    try:
        problems = key_problems()
    except DatabaseError as exc:
        # Not migrated yet, or the database is down: /healthz reports that; the
        # keys are checked at the next start.
        logger.warning("keys not checked at start: %s", type(exc).__name__)
        return
    if problems:
        sys.stderr.write(f"PixioDoc refuses to start: {'; '.join(problems)}.\n")
        raise SystemExit(EXIT_CONFIG)
