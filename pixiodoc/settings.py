"""PixioDoc settings: one module, read through django-environ (DESIGN.md §3).

With no variables set it runs embedded (SQLite, files under var/, a filesystem
Celery broker, a generated local key file). DJANGO_ENV=production drops every
local default and refuses to start while anything is missing or unsafe (S36).
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

from pixiodoc.config import (
    ENVIRONMENTS,
    local_secrets,
    parse_key_encryption_keys,
    private_file,
    unsafe_settings,
)

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DJANGO_ENV = env("DJANGO_ENV", default="local")
PRODUCTION = DJANGO_ENV == "production"
TESTING = "pytest" in sys.modules
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

if PRODUCTION or DJANGO_ENV not in ENVIRONMENTS:
    _problems = unsafe_settings(
        {"DEBUG": env.bool("DEBUG", default=False)}, env.ENVIRON
    )
    if _problems:
        # One line, no traceback: the web server, worker and every command stop here.
        sys.stderr.write(f"PixioDoc refuses to start: {'; '.join(_problems)}.\n")
        raise SystemExit(78)
    _secrets = {}
else:
    _secrets = local_secrets(VAR_DIR / "local-keys.json")

DEBUG = env.bool("DEBUG", default=not PRODUCTION and not TESTING)
SECRET_KEY = env("SECRET_KEY", default=_secrets.get("SECRET_KEY"))
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Encryption keys (DESIGN.md §4). KEKs are versioned: `1:<key>,2:<key>`, newest wraps.
KEY_ENCRYPTION_KEYS = parse_key_encryption_keys(
    env("KEY_ENCRYPTION_KEYS", default=_secrets.get("KEY_ENCRYPTION_KEYS", ""))
)
# django-encrypted-model-fields: the first key encrypts, all decrypt.
FIELD_ENCRYPTION_KEY = env.list(
    "FIELD_ENCRYPTION_KEY", default=[_secrets.get("FIELD_ENCRYPTION_KEY", "")]
)
# The first index key makes new digests; any after it are being rotated away
# from (`rotate_keys --blind-index`) and are still tried by lookups.
BLIND_INDEX_KEY, *BLIND_INDEX_OLD_KEYS = env.list(
    "BLIND_INDEX_KEY", default=[_secrets.get("BLIND_INDEX_KEY", "")]
) or [""]

INSTALLED_APPS = [
    "pixiodoc.accounts.admin_apps.PixioAdminConfig",  # django.contrib.admin, our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp_webauthn",
    "axes",
    "auditlog",
    "csp",
    "pixiodoc",
    "pixiodoc.accounts",
    "audit",
    "patients",
    "consent",
    "imaging",
    "sharing",
    "teaching",
    "interop",
    "compliance",
]

MIDDLEWARE = [
    "pixiodoc.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # /healthz answers here, before anything that reads the session (issue 20).
    "pixiodoc.health.HealthzMiddleware",
    # Thumbnails a page already audited: one read, no session write (docs/imaging.md).
    "imaging.middleware.CoveredThumbnailMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language); staff get theirs further down.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pixiodoc.accounts.middleware.MemberMiddleware",
    # Issue 18: the member's language, the practice's time zone (pixiodoc.languages).
    "pixiodoc.languages.StaffLocaleMiddleware",
    "consent.kiosk.KioskLockMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "pixiodoc.middleware.NoStoreMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pixiodoc.urls"
WSGI_APPLICATION = "pixiodoc.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pixiodoc.accounts.context_processors.member",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        private_file(Path(DATABASES["default"]["NAME"]))  # owner-only, like the keys
    # A file-backed test database lets a real Celery worker process share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    # IMMEDIATE: a transaction takes the write lock at BEGIN, so concurrent
    # writers queue (busy timeout) instead of deadlocking on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Django binds parameters on the client and never prepares; this lets the
    # few hot statements that ask for it (pixiodoc.prepared) be planned once per
    # connection. Behind PgBouncer in transaction mode, enable its
    # max_prepared_statements (1.21+).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
    # A database that does not answer costs a request seconds, not the worker timeout.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Every Redis call on a request path is bounded: connect, handshake and each read
# (issue 20). A frozen Redis accepts the TCP connection and then never answers.
REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 2}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": dict(REDIS_TIMEOUTS),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery (DESIGN.md §8). Without Redis a filesystem broker still runs a real worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_CONNECTION_TIMEOUT = 2
    # A message a dead worker held comes back only after the visibility timeout
    # (an hour, longer than any retry countdown); the resender
    # (pixiodoc.resend_waiting_jobs) is what brings a job back within a minute.
    CELERY_BROKER_TRANSPORT_OPTIONS = dict(REDIS_TIMEOUTS)
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
    CELERY_REDIS_SOCKET_TIMEOUT = 2
else:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
    CELERY_RESULT_BACKEND = f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}"

# Lifecycle jobs (DESIGN.md §8): retention default, job leases, export and orphan windows.
RETENTION_DEFAULT_YEARS = env.int("RETENTION_DEFAULT_YEARS", default=10)
# A runner renews its lease while it works; a dead one's job resumes when it ends.
JOBS_LEASE_SECONDS = env.int("JOBS_LEASE_SECONDS", default=45)
EXPORT_TTL_HOURS = env.int("EXPORT_TTL_HOURS", default=24)
# Blobs no row names are swept once this old (an upload in flight is younger).
ORPHAN_BLOB_GRACE_MINUTES = env.int("ORPHAN_BLOB_GRACE_MINUTES", default=30)

# Storage (DESIGN.md §5): every blob is ciphertext whatever the back-end.
STORAGE = env("STORAGE", default="filesystem")
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "blobs")))
MEDIA_URL = "/media-not-served/"
# /healthz says storage "full" below this much free space (filesystem storage).
STORAGE_MIN_FREE_MB = env.int("STORAGE_MIN_FREE_MB", default=200)
if STORAGE == "s3":
    from botocore.config import Config as BotoConfig

    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "region_name": env("AWS_S3_REGION_NAME", default="us-east-1"),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "addressing_style": "path",
            "signature_version": "s3v4",
            "file_overwrite": False,
            "default_acl": None,
            # An S3 that does not answer fails a request in seconds (issue 20),
            # not after botocore's 60 s timeouts times its retries.
            "client_config": BotoConfig(
                s3={"addressing_style": "path"},
                signature_version="s3v4",
                connect_timeout=3,
                read_timeout=20,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "file_permissions_mode": 0o600},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploads stay in memory under a hard cap: no plaintext temp file (S14).
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=30 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=80_000_000)
FILE_UPLOAD_HANDLERS = ["pixiodoc.uploads.CappedMemoryUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = PHOTO_MAX_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Passwords (S7).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour

# Sessions (S4): 15 idle minutes, 12 hours in all.
SESSION_COOKIE_AGE = 15 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIMIT = timedelta(hours=12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Throttling (S6): django-axes counts failures in the database, so a cache
# outage cannot reset them, and locks by user name and address together.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Count "Owner@X" and "owner@x" as one name, as sign-in does.
AXES_USERNAME_CALLABLE = "pixiodoc.accounts.throttle.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# Proxies in front (nginx: 1). pixiodoc.net.client_ip takes the client's address
# from X-Forwarded-For behind exactly this many; axes counts by it too, not by
# the proxy's address (S43).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "pixiodoc.net.client_ip"

OTP_TOTP_ISSUER = "PixioDoc"
OTP_TOTP_THROTTLE_FACTOR = 1

# Passkeys (django-otp-webauthn), a second factor beside TOTP, never instead of the
# password. A passkey is bound to the RP ID (the site's domain and its subdomains):
# changing it later orphans every passkey. Browsers allow WebAuthn only in a
# secure context, and never on a bare IP: locally open http://localhost:8000.
OTP_WEBAUTHN_RP_ID = env(
    "WEBAUTHN_RP_ID",
    default=ALLOWED_HOSTS[0].lstrip(".") if PRODUCTION else "localhost",
)
OTP_WEBAUTHN_RP_NAME = env("WEBAUTHN_RP_NAME", default="PixioDoc")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "WEBAUTHN_ORIGINS",
    default=[f"https://{OTP_WEBAUTHN_RP_ID}"]
    if PRODUCTION
    else ["http://localhost:8000"],
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "pixiodoc.accounts.passkeys.PasskeyHelper"

# Content Security Policy (S35), nonces for the few scripts that need them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# django-auditlog: PHI fields are excluded per model; the actor comes from the request.
AUDITLOG_INCLUDE_ALL_MODELS = False
# Audit retention (docs/audit.md): six years; checkpoints are signed with this key.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=6 * 365 + 2)
AUDIT_CHECKPOINT_KEY = env("AUDIT_CHECKPOINT_KEY", default="")

EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
if env("EMAIL_URL", default=""):
    # smtp+tls://user:password@mail.example.org:587 (django-environ's e-mail URL)
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PixioDoc <no-reply@localhost>")

LANGUAGE_CODE = "en-gb"
# Issue 18: the product speaks these; catalogues live in locale/<code>/LC_MESSAGES.
LANGUAGES = [
    ("en-gb", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "pixiodoc.middleware.RequestIdLogFilter"},
        # S39: no share-link, invitation or password-reset token in any line.
        "no_tokens": {"()": "pixiodoc.logs.RedactCapabilityTokens"},
    },
    "formatters": {
        "plain": {
            "()": "pixiodoc.logs.PhiSafeFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "no_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's request logger prints tracebacks with request data; ours log uuids only.
        "django.request": {
            "handlers": ["console"],
            "level": "ERROR",
            "propagate": False,
        },
        # The development server's request lines, through the redacting handler.
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
        },
        # axes logs every sign-in at INFO with masked fields: noise, and never useful.
        "axes": {"level": "WARNING"},
        # weasyprint logs seven progress steps at INFO for every PDF it renders.
        "weasyprint.progress": {"level": "WARNING"},
        # PACS clients: their DEBUG/INFO lines dump request headers (credentials)
        # and DICOM traffic; warnings and errors name UIDs only.
        "pynetdicom": {"level": "WARNING"},
        "dicomweb_client": {"level": "WARNING"},
    },
}
