"""Shared pytest fixtures (loaded by `-p pixiodoc.testing`): one member per role, an outsider.

Also the real-service fixtures: a Celery worker process, and the rule that CI
fails on any skipped test (a skip there hides a missing service).
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# Models are imported inside functions: pytest loads this plugin before Django is set up.
PASSWORD = "correct horse battery staple"
ROLES = ("owner", "clinician", "assistant", "compliance")


def make_practice(name="Test Clinic", slug="test"):
    from pixiodoc.accounts.models import Practice

    return Practice.objects.create(name=name, slug=slug)


def make_member(practice, role: str, email: str | None = None):
    from pixiodoc.accounts.models import AuthenticatorDevice, Member, User

    user = User.objects.create_user(
        email or f"{role}@{practice.slug}.example",
        PASSWORD,
        full_name=f"{role.title()} Tester",
    )
    AuthenticatorDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    return Member.objects.create(user=user, practice=practice, role=role)


def sign_in(client, member):
    """Sign the member in with both factors done and their practice chosen."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from pixiodoc.accounts.middleware import PRACTICE_SESSION_KEY
    from pixiodoc.accounts.reauth import mark_checked

    client.force_login(member.user)
    session = client.session
    device = member.user.authenticatordevice_set.filter(confirmed=True).first()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[PRACTICE_SESSION_KEY] = str(member.practice.uuid)
    mark_checked(session)  # both factors were just given (S42)
    session.save()
    return client


def store_blobs_in(settings, root: Path) -> Path:
    """Point the blob storage at a test's own folder, with files private as in production."""
    root.mkdir(exist_ok=True)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "file_permissions_mode": 0o600},
        },
    }
    return root


def free_port() -> int:
    """A TCP port free on loopback now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(
    port: int, process: subprocess.Popen, *, what: str, timeout: float = 60
) -> None:
    """Return once something accepts on the loopback port; if `process` exits or
    the time runs out first, kill it and raise RuntimeError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.1)


@contextlib.contextmanager
def running_server(
    command: list[str], port: int, *, what: str, timeout: float = 60, **popen
) -> Iterator[str]:
    """Run a server process listening on a loopback port; yields its base URL and
    stops it on the way out. `popen` goes to subprocess.Popen (env, cwd, output)."""
    process = subprocess.Popen(command, **popen)  # noqa: S603 - our own servers
    try:
        wait_until_listening(port, process, what=what, timeout=timeout)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def running_moto_server():
    """moto's standalone S3-compatible server on loopback (a context manager)."""
    binary = shutil.which("moto_server") or str(
        Path(sys.executable).parent / "moto_server"
    )
    port = free_port()
    return running_server(
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        port,
        what="moto_server",
        timeout=30,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """LocaleMiddleware activates a request's language for the thread and leaves it
    there; a test served in German must not make the next one read German."""
    yield
    from django.utils import timezone, translation

    translation.deactivate()
    timezone.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's million rounds cost about a second a password here; tests check
    behaviour, not cost. sharing/tests/test_tokens.py checks the real hasher."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def practice(db):
    return make_practice()


@pytest.fixture
def other_practice(db):
    return make_practice(name="Elsewhere Clinic", slug="elsewhere")


@pytest.fixture
def owner(practice):
    return make_member(practice, "owner")


@pytest.fixture
def clinician(practice):
    return make_member(practice, "clinician")


@pytest.fixture
def assistant(practice):
    return make_member(practice, "assistant")


@pytest.fixture
def compliance(practice):
    return make_member(practice, "compliance")


@pytest.fixture
def outsider(other_practice):
    """A clinician of another practice: everything of ours is a 404 to them (S8)."""
    return make_member(other_practice, "clinician")


@pytest.fixture
def members(owner, clinician, assistant, compliance):
    return {
        "owner": owner,
        "clinician": clinician,
        "assistant": assistant,
        "compliance": compliance,
    }


@pytest.fixture
def client_for(client):
    """client_for(member) -> a test client signed in as that member."""
    from django.test import Client

    def signed_in(member):
        return sign_in(Client(), member)

    return signed_in


# --- real services -----------------------------------------------------------------


def real_services() -> bool:
    return bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))


def url_of_test_database() -> str:
    """DATABASE_URL of the test database, for a process a test starts."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
        f"{db['PORT']}/{db['NAME']}"
    )


def start_worker(extra_env: dict | None = None) -> subprocess.Popen:
    """Start a real `celery worker` on the configured broker and the test database.

    It sees only committed rows, so tests using it need `transactional_db`.
    `extra_env` adds variables (fault points, short leases) for fault tests.
    """
    import uuid

    from django.conf import settings

    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "pixiodoc.settings"
    env["DATABASE_URL"] = url_of_test_database()
    env.update(extra_env or {})
    name = uuid.uuid4().hex[:12]
    ready = Path(settings.VAR_DIR) / f"worker-ready-{name}"
    env["PIXIODOC_WORKER_READY_FILE"] = str(ready)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pixiodoc",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
            f"--hostname=test-{name}@%h",
        ],
        env=env,
        cwd=Path(settings.BASE_DIR),
    )
    # Generous: on a loaded machine a worker has taken over a minute to start.
    deadline = time.monotonic() + 180
    while not ready.exists():
        if process.poll() is not None:
            raise RuntimeError("the Celery worker exited while starting")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the Celery worker did not start within 180 s")
        time.sleep(0.1)
    ready.unlink(missing_ok=True)
    return process


def stop_worker(process: subprocess.Popen) -> None:
    """Warm shutdown, then kill if the worker does not stop within 20 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real `celery worker` process for the duration of one test."""
    process = start_worker()
    yield process
    stop_worker(process)


# --- CI: no skips ------------------------------------------------------------------


def pytest_sessionfinish(session, exitstatus):
    """With PIXIODOC_FORBID_SKIPS set (CI), any skipped test fails the run."""
    if not os.environ.get("PIXIODOC_FORBID_SKIPS"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(
            f"FAILED: {len(skipped)} test(s) skipped; CI requires every service.",
            red=True,
        )
        session.exitstatus = 1
