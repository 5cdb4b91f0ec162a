"""Production mode (DESIGN.md §3): refuse to start on anything missing or unsafe (S36),
pass `check --deploy` with `genkey --env` values (S34), and never show a traceback.

Every test runs the real entry point as a subprocess: manage.py, the Celery worker
and beat, and gunicorn with deploy/gunicorn.conf.py. None needs a live database or
Redis: the URLs point at closed ports.
"""

import base64
import http.client
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from pixiodoc.config import SECRET_NAMES, fresh_secrets, unsafe_settings
from pixiodoc.testing import free_port, wait_until_listening

ROOT = Path(settings.BASE_DIR)
CLOSED_DATABASE = "postgres://postgres@127.0.0.1:1/pixiodoc"
CLOSED_REDIS = "redis://127.0.0.1:1/0"
# A real transport that nothing here connects to: mail is sent only on demand.
CLOSED_MAIL = "smtp+tls://pixiodoc:secret@127.0.0.1:1"
OURS = (
    "DJANGO_ENV",
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "STORAGE",
    "MEDIA_ROOT",
    "EMAIL_URL",
    "EMAIL_BACKEND",
    "VAR_DIR",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests; never in deployment
    *SECRET_NAMES,
)


def genkey(*args) -> str:
    out = StringIO()
    call_command("genkey", *args, stdout=out)
    return out.getvalue()


def genkey_env() -> dict[str, str]:
    """The secrets exactly as a deployer gets them: `manage.py genkey --env` output."""
    return dict(line.split("=", 1) for line in genkey("--env").splitlines())


@pytest.fixture
def production_env(tmp_path):
    """A complete production environment; tests remove or spoil one variable."""
    return make_production_env(tmp_path)


def make_production_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in OURS}
    env.update(
        DJANGO_ENV="production",
        DATABASE_URL=CLOSED_DATABASE,
        REDIS_URL=CLOSED_REDIS,
        ALLOWED_HOSTS="photos.example.org",
        EMAIL_URL=CLOSED_MAIL,
        VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "blobs"),
        **fresh_secrets(),
    )
    return env


def run(args, env, timeout=240):
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def assert_refused(result, variable):
    """Non-zero exit, one line naming the variable, no traceback, nothing else."""
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("PixioDoc refuses to start:")
    assert variable in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""


SPOILED = [
    ("DEBUG", "on", "DEBUG"),
    ("DEBUG", "True", "DEBUG"),
    ("SECRET_KEY", None, "SECRET_KEY"),
    ("SECRET_KEY", "django-insecure-" + "x" * 60, "SECRET_KEY"),
    ("SECRET_KEY", "short-but-not-default", "SECRET_KEY"),
    ("SECRET_KEY", "x" * 80, "SECRET_KEY"),
    ("SECRET_KEY", "abcdefghij0123456789" * 4, "SECRET_KEY"),
    ("DATABASE_URL", None, "DATABASE_URL"),
    ("DATABASE_URL", "sqlite:////tmp/db.sqlite3", "DATABASE_URL"),
    ("REDIS_URL", None, "REDIS_URL"),
    ("ALLOWED_HOSTS", None, "ALLOWED_HOSTS"),
    ("ALLOWED_HOSTS", "*", "ALLOWED_HOSTS"),
    ("KEY_ENCRYPTION_KEYS", None, "KEY_ENCRYPTION_KEYS"),
    ("KEY_ENCRYPTION_KEYS", "1:tooshort", "KEY_ENCRYPTION_KEYS"),
    ("FIELD_ENCRYPTION_KEY", None, "FIELD_ENCRYPTION_KEY"),
    ("FIELD_ENCRYPTION_KEY", "not-a-key", "FIELD_ENCRYPTION_KEY"),
    ("BLIND_INDEX_KEY", None, "BLIND_INDEX_KEY"),
    ("BLIND_INDEX_KEY", "", "BLIND_INDEX_KEY"),
    ("EMAIL_URL", None, "EMAIL_URL"),
    ("EMAIL_URL", "consolemail://", "EMAIL_URL"),
    ("DJANGO_ENV", "prod", "DJANGO_ENV"),
    ("STORAGE", "s3", "AWS_STORAGE_BUCKET_NAME"),
]


def spoil(env, name, value):
    if value is None:
        del env[name]
    else:
        env[name] = value
    return env


# S36
@pytest.mark.parametrize(("name", "value", "named"), SPOILED)
def test_an_unsafe_production_setting_is_named(production_env, name, value, named):
    spoil(production_env, name, value)
    debug = production_env.get("DEBUG", "off") in ("on", "True")
    problems = unsafe_settings({"DEBUG": debug}, production_env)
    assert len(problems) == 1
    assert named in problems[0]


def test_a_complete_production_environment_has_no_problem(production_env):
    assert unsafe_settings({"DEBUG": False}, production_env) == []


# S36
@pytest.mark.parametrize(
    ("name", "value", "named"), [case for case in SPOILED if case[0] != "STORAGE"][::2]
)
def test_manage_py_refuses_an_unsafe_production_setting(
    production_env, name, value, named
):
    spoil(production_env, name, value)
    assert_refused(run([sys.executable, "manage.py", "check"], production_env), named)


# S36
@pytest.mark.parametrize("command", ["migrate", "runserver", "shell"])
def test_every_manage_py_command_refuses(production_env, command):
    del production_env["SECRET_KEY"]
    result = run([sys.executable, "manage.py", command], production_env)
    assert_refused(result, "SECRET_KEY")


# S36
@pytest.mark.parametrize("program", ["worker", "beat"])
def test_celery_refuses_to_start(production_env, program):
    del production_env["KEY_ENCRYPTION_KEYS"]
    result = run(
        [sys.executable, "-m", "celery", "-A", "pixiodoc", program], production_env
    )
    assert_refused(result, "KEY_ENCRYPTION_KEYS")


# S36
def test_gunicorn_refuses_to_start_with_one_line(production_env):
    production_env["DEBUG"] = "on"
    production_env["GUNICORN_BIND"] = "127.0.0.1:0"
    result = run(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        production_env,
    )
    assert_refused(result, "DEBUG")


# S36 S34
def test_genkey_env_makes_production_load_and_pass_check_deploy(production_env):
    for name in SECRET_NAMES:
        del production_env[name]
    production_env.update(genkey_env())
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # It passes only with DEBUG off, HSTS, secure cookies and a strong key (W004…W021).
    assert "System check identified no issues" in result.stdout


def test_genkey_prints_one_fresh_256_bit_key():
    keys = [genkey(), genkey()]
    for key in keys:
        assert key.count("\n") == 1
        assert len(base64.urlsafe_b64decode(key.strip())) == 32
    assert keys[0] != keys[1]


def test_genkey_env_prints_every_production_secret_paste_ready():
    values = genkey_env()
    assert list(values) == list(SECRET_NAMES)
    for name, value in values.items():
        # Pastes into a shell, systemd or Docker env file without quoting.
        assert value and all(c.isalnum() or c in "-_:=" for c in value), name
    assert len(values["SECRET_KEY"]) >= 50
    assert values != genkey_env()
    assert (
        unsafe_settings(
            {"DEBUG": False},
            {
                **values,
                "DATABASE_URL": CLOSED_DATABASE,
                "REDIS_URL": CLOSED_REDIS,
                "ALLOWED_HOSTS": "photos.example.org",
                "EMAIL_URL": CLOSED_MAIL,
            },
        )
        == []
    )


# S41
def test_production_without_a_mail_transport_exits_78_with_one_line(production_env):
    del production_env["EMAIL_URL"]
    result = run([sys.executable, "manage.py", "check"], production_env)
    assert_refused(result, "EMAIL_URL")
    # Status 78 (EX_CONFIG): systemd's RestartPreventExitStatus stops a restart loop.
    assert result.returncode == 78


# S41
@pytest.mark.parametrize("mode", ["prod", "Production", "staging"])
def test_an_unknown_django_env_is_refused(production_env, mode):
    production_env["DJANGO_ENV"] = mode
    result = run([sys.executable, "manage.py", "check"], production_env)
    assert_refused(result, "DJANGO_ENV")
    assert result.returncode == 78


# S41
def test_a_long_but_repetitive_secret_key_is_refused_at_start(production_env):
    production_env["SECRET_KEY"] = "ab" * 40
    result = run([sys.executable, "manage.py", "check"], production_env)
    assert_refused(result, "SECRET_KEY")


# S41
def test_demo_refuses_to_run_in_production(production_env):
    result = run([sys.executable, "manage.py", "demo"], production_env)
    assert result.returncode == 1
    assert "demo refuses to run in production" in result.stderr
    assert "Traceback" not in result.stderr
    assert "password:" not in result.stdout


# S41
def test_demo_command_refuses_when_settings_say_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refuses to run in production"):
        call_command("demo", patients=1)


def get(port, path, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def production_gunicorn(tmp_path_factory):
    """gunicorn in production mode, its database refusing connections."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    production_env = make_production_env(tmp_path)
    port = free_port()
    production_env.update(GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1")
    # As a deployment does: hashed static names for the manifest storage.
    collected = run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        production_env,
    )
    assert collected.returncode == 0, collected.stderr
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=production_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_listening(port, process, what="gunicorn")
    except RuntimeError:
        pytest.fail((tmp_path / "gunicorn.log").read_text())
    yield port
    process.terminate()
    process.wait(timeout=30)
    log.close()


# S37
def test_database_outage_gives_a_plain_page_and_healthz_503(production_gunicorn):
    port = production_gunicorn
    https = {"Host": "photos.example.org", "X-Forwarded-Proto": "https"}
    # A session cookie makes the middleware ask the (refusing) database.
    status, headers, body = get(
        port, "/patients/", Cookie="__Host-sessionid=" + "a" * 32, **https
    )
    # An outage, not a bug (issue 20): a plain 503 that says nothing was lost.
    assert status == 503, headers
    assert headers["Retry-After"] == "30"
    assert "Temporarily unavailable" in body and "Nothing was lost" in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert "5432" not in body and "127.0.0.1" not in body
    assert headers["Content-Type"].startswith("text/html")
    status, _, body = get(port, "/healthz", **https)
    assert status == 503
    payload = json.loads(body)
    assert payload["database"] == "down"
    assert payload["broker"] == "down"
    assert payload["status"] == "down"


# S35
def test_production_sends_hsts_strict_csp_and_secure_cookies(production_gunicorn):
    https = {"Host": "photos.example.org", "X-Forwarded-Proto": "https"}
    status, headers, body = get(production_gunicorn, "/accounts/login/", **https)
    assert status == 200, body
    assert headers["Strict-Transport-Security"].startswith(
        "max-age=31536000; includeSubDomains"
    )
    policy = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("__Host-csrftoken=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    # Plain HTTP is sent to HTTPS.
    status, headers, _ = get(
        production_gunicorn, "/accounts/login/", Host="photos.example.org"
    )
    assert status == 301
    assert headers["Location"] == "https://photos.example.org/accounts/login/"
