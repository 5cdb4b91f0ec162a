"""Share-link latency through gunicorn on loopback (issue 6, item 10).

Prints p50 and p95 of opening the share page (a granted session re-checking
the link, its consent and erasure block) and of a watermarked image view.
Targets are read, never asserted on time (STYLE.md §8).
"""

import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}"
        f"/{db['NAME']}"
    )


@pytest.fixture
def gunicorn(transactional_db, settings, tmp_path):
    """gunicorn serving the test database and a blob folder of the test's own."""
    blobs = tmp_path / "blobs"
    blobs.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blobs), "file_permissions_mode": 0o600},
        },
    }
    port = free_port()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="pixiodoc.settings",
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(blobs),
        DEBUG="false",
    )
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "pixiodoc.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--log-level=warning",
        ],
        env=env,
        cwd=Path(settings.BASE_DIR),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until_serving(base, process) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            requests.get(f"{base}/accounts/login/", timeout=10)
            return
        except requests.RequestException:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.3)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(session, url) -> float:
    start = time.perf_counter()
    response = session.get(url, timeout=30)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed


@pytest.mark.bench
def test_share_page_and_image_latency(gunicorn, clinician):
    from consent.tests.factories import make_consent
    from imaging.tests.factories import make_photo
    from imaging.tests.images import jpeg
    from patients.tests.factories import make_patient
    from sharing.tests.factories import make_link

    patient = make_patient(actor=clinician)
    make_consent(
        patient=patient, witness=clinician, granted=["treatment", "second_opinion"]
    )
    photos = [
        make_photo(actor=clinician, patient=patient, data=jpeg(size=(3000, 2000)))
        for _ in range(3)
    ]
    link, token = make_link(actor=clinician, patient=patient)
    link.photos.set(photos)

    session = requests.Session()
    page_url = f"{gunicorn}/s/{token}/"
    landing = session.get(page_url, timeout=30)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', landing.text)[1]
    opened = session.post(
        page_url,
        data={"csrfmiddlewaretoken": csrf},
        headers={"Referer": page_url},
        timeout=30,
        allow_redirects=False,
    )
    assert opened.status_code == 302, opened.status_code
    image_url = f"{gunicorn}/s/{token}/photos/{photos[0].uuid}/"

    timed(session, page_url), timed(session, image_url)  # warm both workers' imports
    page = [timed(session, page_url) for _ in range(ROUNDS)]
    image = [timed(session, image_url) for _ in range(ROUNDS)]
    for name, samples in (("share page", page), ("watermarked image", image)):
        p50, p95 = percentiles(samples)
        print(f"\n{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(samples)} requests)")
