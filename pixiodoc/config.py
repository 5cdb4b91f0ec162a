"""Settings helpers: the embedded key file and the production safety check (S36).

Kept apart from settings.py so they can be tested without reloading settings.
"""

import base64
import contextlib
import json
import os
import secrets
from pathlib import Path

# The values DJANGO_ENV may take; anything else is refused (a typo must not run
# a production server with local defaults).
ENVIRONMENTS = ("local", "production")
# A generated SECRET_KEY has about 45 distinct characters; fewer than this is a
# hand-made or repeated value whatever its length (S41).
SECRET_MIN_DISTINCT = 30
# django-environ e-mail URL schemes that really send mail: the console, file,
# memory and dummy back-ends would print reset and invitation links into the log.
MAIL_TRANSPORTS = ("smtp://", "smtps://", "smtp+tls://", "smtp+ssl://")

# Names of the secrets production needs besides the database and broker URLs.
SECRET_NAMES = (
    "SECRET_KEY",
    "KEY_ENCRYPTION_KEYS",
    "FIELD_ENCRYPTION_KEY",
    "BLIND_INDEX_KEY",
)


def new_key() -> str:
    """A fresh 256-bit key, url-safe base64 (the format every key variable expects)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def fresh_secrets() -> dict[str, str]:
    """One value for every secret production needs, ready for an environment file."""
    return {
        # URL-safe characters only: the line pastes into a shell, systemd or Docker
        # environment file without quoting.
        "SECRET_KEY": secrets.token_urlsafe(60),
        "KEY_ENCRYPTION_KEYS": f"1:{new_key()}",
        "FIELD_ENCRYPTION_KEY": new_key(),
        "BLIND_INDEX_KEY": new_key(),
    }


def local_secrets(path: Path) -> dict[str, str]:
    """Read the embedded key file, creating it (mode 0600) on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(fresh_secrets(), handle, indent=2)
    return json.loads(path.read_text())


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 unless it exists (SQLite fills an empty
    file and gives its journals the same mode): the embedded database holds PHI."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def parse_key_encryption_keys(value: str) -> dict[int, bytes]:
    """Parse `1:<key>,2:<key>` into {version: 32-byte key}; raise ValueError if malformed."""
    keys: dict[int, bytes] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        version, sep, encoded = item.partition(":")
        if not sep or not version.isdigit():
            raise ValueError("each entry must be VERSION:KEY")
        key = base64.urlsafe_b64decode(encoded)
        if len(key) != 32:
            raise ValueError(f"key version {version} is not 256 bits")
        keys[int(version)] = key
    if not keys:
        raise ValueError("no key given")
    return keys


def _is_256_bit_key(value: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(value.strip().encode())) == 32
    except (ValueError, TypeError):
        return False


def unsafe_settings(values: dict, environ: dict) -> list[str]:
    """Name every production setting that is missing or unsafe; empty when all is well.

    Each problem names its variable and says what to do: the refusal is one line.
    Settings also call it for an unknown DJANGO_ENV, which is the only problem then.
    """
    mode = environ.get("DJANGO_ENV", "production")
    if mode not in ENVIRONMENTS:
        return [f"DJANGO_ENV must be local or production, not {mode[:20]!r}"]
    problems = []
    if values["DEBUG"]:
        problems.append("DEBUG must be off in production (unset it or set DEBUG=off)")
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "ALLOWED_HOSTS",
        "EMAIL_URL",
        *SECRET_NAMES,
    ):
        if not environ.get(name, "").strip():
            problems.append(f"{name} is not set")
    secret = environ.get("SECRET_KEY", "")
    if secret and (
        secret.startswith("django-insecure-")
        or len(secret) < 50
        or len(set(secret)) < SECRET_MIN_DISTINCT
    ):
        problems.append(
            "SECRET_KEY is a default, too short or too repetitive; "
            "run manage.py genkey --env"
        )
    mail = environ.get("EMAIL_URL", "").strip()
    if mail and not mail.startswith(MAIL_TRANSPORTS):
        problems.append(
            "EMAIL_URL must be an SMTP URL (smtp+tls://user:password@host:587): "
            "other back-ends print reset and invitation links into the log"
        )
    if environ.get("KEY_ENCRYPTION_KEYS"):
        try:
            parse_key_encryption_keys(environ["KEY_ENCRYPTION_KEYS"])
        except ValueError as exc:
            problems.append(f"KEY_ENCRYPTION_KEYS is malformed: {exc}")
    fields = [k for k in environ.get("FIELD_ENCRYPTION_KEY", "").split(",") if k]
    if fields and not all(_is_256_bit_key(key) for key in fields):
        problems.append("FIELD_ENCRYPTION_KEY is malformed; run manage.py genkey")
    index_keys = [k for k in environ.get("BLIND_INDEX_KEY", "").split(",") if k]
    if index_keys and not all(_is_256_bit_key(key) for key in index_keys):
        problems.append("BLIND_INDEX_KEY is malformed; run manage.py genkey")
    database = environ.get("DATABASE_URL", "")
    if database and not database.startswith(("postgres://", "postgresql://")):
        problems.append("DATABASE_URL must point at PostgreSQL in production")
    redis = environ.get("REDIS_URL", "")
    if redis and not redis.startswith(("redis://", "rediss://")):
        problems.append("REDIS_URL must be a redis:// or rediss:// URL")
    if "*" in environ.get("ALLOWED_HOSTS", "").split(","):
        problems.append("ALLOWED_HOSTS must name the site's host names, not *")
    storage = environ.get("STORAGE", "filesystem")
    if storage == "s3" and not environ.get("AWS_STORAGE_BUCKET_NAME"):
        problems.append("AWS_STORAGE_BUCKET_NAME is not set")
    if storage not in ("s3", "filesystem"):
        problems.append("STORAGE must be s3 or filesystem")
    return problems
