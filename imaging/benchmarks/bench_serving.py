"""Thumbnail serving through gunicorn on loopback vs a static file of the same size.

Target: decrypting and serving a thumbnail reaches at least half the requests per
second of the same gunicorn serving a static file of the same size (WhiteNoise).
The thumbnail request is what a timeline makes: signed in, verified, scoped,
decrypted, with the page's cover token (imaging.middleware: no session write,
no audit row per thumbnail); the audited variant (no token: the full stack and
one audit event per request) is printed too, with the queries each one makes.
gunicorn runs as deploy/gunicorn.conf.py does (app preloaded) and PostgreSQL
connections are kept between requests (`conn_max_age`, as README recommends):
a new connection costs far more than a thumbnail. Loopback only, a fixed number
of requests, 4 client threads.
"""

import http.client
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from imaging import covering
from imaging.benchmarks.photos import twelve_megapixel_jpeg
from imaging.tests.factories import make_photo
from pixiodoc import blobs
from pixiodoc.benchmarking import gunicorn_serving
from pixiodoc.testing import sign_in, store_blobs_in

REQUESTS = 2000
THREADS = 4


def queries_per_request(client, path) -> list[str]:
    """The statements one request makes, in process (BEGIN/COMMIT included)."""
    client.get(path)  # warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"].split()[0].upper() for q in queries]


def fetch(host, path, cookie) -> int:
    conn = http.client.HTTPConnection(host, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 200, (path, response.status)
    return len(body)


def rate(host, path, cookie) -> float:
    for _ in range(5):  # warm up both workers
        fetch(host, path, cookie)
    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(lambda _: fetch(host, path, cookie), range(REQUESTS)))
    return REQUESTS / (time.perf_counter() - started)


@pytest.mark.bench
def test_bench_thumbnail_serving_against_a_static_file(
    transactional_db, clinician, settings, tmp_path
):
    blob_root = store_blobs_in(settings, tmp_path / "blobs")
    photo = make_photo(actor=clinician, data=twelve_megapixel_jpeg())
    size = len(
        blobs.read_blob(
            photo.patient, obj=photo.uuid, label="thumb", name=photo.thumb_blob
        )
    )
    client = sign_in(Client(), clinician)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    static_dir = Path(settings.STATIC_ROOT) / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "same-size.bin").write_bytes(os.urandom(size))

    token = covering.cover_token(member=clinician, photo=photo)
    thumb = f"{photo.url('thumb')}?c={token}"
    covered_queries = queries_per_request(client, thumb)
    audited_queries = queries_per_request(client, photo.url("thumb"))

    try:
        with gunicorn_serving(settings, blob_root) as base:
            host = urlsplit(base).netloc
            assert fetch(host, thumb, cookie) == size
            static_rate = rate(host, "/static/bench/same-size.bin", cookie)
            thumb_rate = rate(host, thumb, cookie)
            audited_rate = rate(host, photo.url("thumb"), cookie)
    finally:
        shutil.rmtree(static_dir, ignore_errors=True)
    print(
        f"\nthumbnail ({size / 1024:.0f} KiB) through gunicorn (2 workers, {THREADS} "
        f"client threads, {REQUESTS} requests): {thumb_rate:.0f} req/s as the "
        f"timeline asks (covered), {audited_rate:.0f} req/s audited one by one; "
        f"static file of the same size {static_rate:.0f} req/s; ratio "
        f"{thumb_rate / static_rate:.2f} (target >= 0.5)\n"
        f"queries per thumbnail request: covered {len(covered_queries)} "
        f"({' '.join(covered_queries)}), audited {len(audited_queries)} "
        f"({' '.join(audited_queries)})"
    )
