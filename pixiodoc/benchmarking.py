"""What the benchmarks share: a real gunicorn serving the test's own database, and wrk.

Benchmarks that measure a request as a deployment serves it start gunicorn on
loopback with deploy/gunicorn.conf.py itself (app preloaded, its worker class,
threads, keep-alive and access log) and database connections kept between
requests, as the README recommends for production: a new PostgreSQL connection
costs more than most requests. The load comes from wrk (keep-alive, concurrent,
written in C): a Python client is slower than the servers it measures and pulls
every ratio towards 1.
"""

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from pixiodoc.testing import free_port, running_server, store_blobs_in

GUNICORN_CONF = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"
# Two workers on the two-core machine the figures come from (the conf's default
# is 2 x cores + 1); the bare app gets the same.
BENCH_WORKERS = 2


def database_url() -> str:
    """The test database as a DATABASE_URL for another process, connections kept."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}?conn_max_age=60"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}"
        f"/{db['NAME']}?conn_max_age=60&conn_health_checks=True"
    )


@contextlib.contextmanager
def gunicorn_serving(
    settings,
    blob_root: Path,
    *,
    app: str = "pixiodoc.wsgi:application",
    log: Path | None = None,
    env: dict | None = None,
) -> Iterator[str]:
    """gunicorn with deploy/gunicorn.conf.py on a free loopback port, serving `app`
    with the test's database and blob folder.

    Yields the base URL; the server is stopped on the way out. The test must use
    a transactional database so the server sees its rows. Its output (access and
    error log) goes to `log`, else nowhere.
    """
    store_blobs_in(settings, blob_root)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pixiodoc.settings",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(blob_root),
        "DEBUG": "false",
        "WEB_CONCURRENCY": str(BENCH_WORKERS),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        **(env or {}),
    }
    with contextlib.ExitStack() as stack:
        output = stack.enter_context(log.open("ab")) if log else subprocess.DEVNULL
        yield stack.enter_context(
            running_server(
                [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), app],
                port,
                what="gunicorn",
                timeout=90,
                env=env,
                cwd=settings.BASE_DIR,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        )


@dataclass(frozen=True)
class Load:
    """What wrk measured on one URL."""

    rate: float  # requests per second
    p50_ms: float
    p99_ms: float
    requests: int
    # CPU time per request of the processes `cpu` names (the server and its
    # database backends): on a shared machine rates follow the neighbours, this
    # far less. A process that ended during the run is not counted.
    cpu_ms: float | None = None


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(child) for child in task.read_text().split()]
    return children


def server_cpu(url: str):
    """The processes of the gunicorn serving `url` (master and workers), for
    `wrk(cpu=...)`."""
    bind = f"GUNICORN_BIND={url.removeprefix('http://')}".encode()
    master = next(
        pid
        for pid in _children(os.getpid())
        if bind in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    )
    return lambda: [master, *_children(master)]


def database_backends() -> list[int]:
    """The other PostgreSQL backends on the test database (a gunicorn's
    connections), for `wrk(cpu=...)`; none on SQLite."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def ensure_wrk() -> str:
    """The wrk binary, installed from Debian when missing (root only)."""
    if found := shutil.which("wrk"):
        return found
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)  # noqa: S607
    return shutil.which("wrk")


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS_MS[unit]


def _percentile_ms(out: str, percent: int) -> float:
    # Its own line of the latency distribution: "90.50%" in the thread stats
    # above it also ends in "50%".
    return _ms(re.search(rf"^\s*{percent}%\s+(\S+)", out, re.MULTILINE).group(1))


def wrk(
    url: str,
    *,
    headers: dict | None = None,
    seconds: int = 5,
    connections: int = 8,
    cpu=None,
) -> Load:
    """Drive `url` with wrk, 2 threads and `connections` keep-alive connections.

    Raises when any response was not 2xx/3xx or a socket failed: a figure for a
    load that errors measures the error page. `cpu` names the processes whose
    CPU time the measured run is charged with (server_cpu, database_backends).
    """
    command = [ensure_wrk(), "-t2", f"-c{connections}", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    # Warm first: every worker and thread opens its database connection and
    # prepares its statements once; the figures are for the steady state.
    subprocess.run([*command, "-d1s", url], check=True, capture_output=True)  # noqa: S603
    command.append(f"-d{seconds}s")
    before = {pid: _cpu_seconds(pid) for pid in cpu()} if cpu else {}
    out = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [*command, url], check=True, capture_output=True, text=True
    ).stdout
    cpu_used = (
        sum(_cpu_seconds(pid) - before.get(pid, 0.0) for pid in cpu()) if cpu else None
    )
    if "Non-2xx" in out or "Socket errors" in out:
        raise AssertionError(f"wrk saw failures on {url}:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return Load(
        rate=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_percentile_ms(out, 50),
        p99_ms=_percentile_ms(out, 99),
        requests=requests,
        cpu_ms=None if cpu_used is None else 1000 * cpu_used / requests,
    )
