"""Thumbnail serving through gunicorn against the floor: a bare WSGI app, same bytes.

Target (issue 19): a covered thumbnail (what a timeline's `<img>` asks: signed
in, verified, scoped, decrypted, with the page's cover token; imaging.middleware)
at >= 0.5x the requests per second of a bare WSGI app serving the same bytes
under the same deploy/gunicorn.conf.py, and a p99 within 3x of the bare app's.
Printed beside them, from the same run: the same bytes as a static file through
WhiteNoise, and the audited thumbnail (no token: the full staff stack and one
audit event per request). The load is wrk, keep-alive, 2 threads, 8 connections,
loopback; each round measures every path once, in the same order. Figures are
printed, never asserted: the two cores are shared, so read the spread and the
load average printed with them. Beside each rate: the CPU time per request of
the server and of its PostgreSQL backends, read from /proc around the run, and
the floor's as a share of it: the rate ratio if CPU were all that limited both
(wrk's own CPU aside), and far steadier than the rates when neighbours are busy.
"""

import os
import shutil
import statistics
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from imaging import covering
from imaging.benchmarks.photos import twelve_megapixel_jpeg
from imaging.tests.factories import make_photo
from pixiodoc import blobs
from pixiodoc.benchmarking import (
    database_backends,
    gunicorn_serving,
    server_cpu,
    wrk,
)
from pixiodoc.testing import sign_in, store_blobs_in

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))


def queries_per_request(client, path) -> list[str]:
    """The statements one request makes, in process (BEGIN/COMMIT included)."""
    client.get(path)  # warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"].split()[0].upper() for q in queries]


def load_average() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


@pytest.mark.bench
def test_bench_thumbnail_serving_against_the_bare_floor(
    transactional_db, clinician, settings, tmp_path
):
    blob_root = store_blobs_in(settings, tmp_path / "blobs")
    photo = make_photo(actor=clinician, data=twelve_megapixel_jpeg())
    body = blobs.read_blob(
        photo.patient, obj=photo.uuid, label="thumb", name=photo.thumb_blob
    )
    client = sign_in(Client(), clinician)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    static_dir = Path(settings.STATIC_ROOT) / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "same-bytes.jpg").write_bytes(body)
    bare_file = tmp_path / "same-bytes.jpg"
    bare_file.write_bytes(body)

    covered = (
        f"{photo.url('thumb')}?c={covering.cover_token(member=clinician, photo=photo)}"
    )
    covered_queries = queries_per_request(client, covered)
    audited_queries = queries_per_request(client, photo.url("thumb"))

    paths = {
        "bare WSGI app (floor)": None,
        "static file (WhiteNoise)": "/static/bench/same-bytes.jpg",
        "covered thumbnail": covered,
        "audited thumbnail": photo.url("thumb"),
    }
    rounds: list[dict] = []
    try:
        with (
            gunicorn_serving(
                settings,
                blob_root,
                app="imaging.benchmarks.bare_app:application",
                env={"BENCH_BARE_FILE": str(bare_file)},
            ) as bare,
            gunicorn_serving(settings, blob_root, log=tmp_path / "access.log") as app,
        ):
            bare_cpu, app_cpu = server_cpu(bare), server_cpu(app)
            for _ in range(ROUNDS):
                rounds.append(
                    {
                        name: wrk(
                            f"{bare}/" if path is None else f"{app}{path}",
                            headers={"Cookie": cookie},
                            seconds=SECONDS,
                            cpu=bare_cpu
                            if path is None
                            else lambda: app_cpu() + database_backends(),
                        )
                        for name, path in paths.items()
                    }
                )
                rounds[-1]["load"] = load_average()
    finally:
        shutil.rmtree(static_dir, ignore_errors=True)

    print(
        f"\nthumbnail serving ({len(body) / 1024:.1f} KiB) through gunicorn "
        f"(deploy/gunicorn.conf.py, {connection.vendor}), wrk -t2 -c8 -d{SECONDS}s, "
        f"{ROUNDS} rounds; ratios against the bare app of the same round"
    )
    for number, measured in enumerate(rounds, 1):
        floor = measured["bare WSGI app (floor)"]
        print(f"round {number} (load average {measured['load']}):")
        for name in paths:
            load = measured[name]
            print(
                f"  {name:26} {load.rate:8.0f} req/s  p50 {load.p50_ms:6.2f} ms  "
                f"p99 {load.p99_ms:6.2f} ms  rate {load.rate / floor.rate:.3f}  "
                f"p99 {load.p99_ms / floor.p99_ms:.2f}x  "
                f"cpu {load.cpu_ms:.3f} ms/req ({floor.cpu_ms / load.cpu_ms:.3f})"
            )
    for name in list(paths)[1:]:
        ratios = [m[name].rate / m["bare WSGI app (floor)"].rate for m in rounds]
        p99s = [m[name].p99_ms / m["bare WSGI app (floor)"].p99_ms for m in rounds]
        cpus = [m["bare WSGI app (floor)"].cpu_ms / m[name].cpu_ms for m in rounds]
        print(
            f"{name}: rate ratio median {statistics.median(ratios):.3f} "
            f"({min(ratios):.3f}-{max(ratios):.3f}), p99 ratio median "
            f"{statistics.median(p99s):.2f}x ({min(p99s):.2f}-{max(p99s):.2f}), "
            f"CPU per request: the floor's is {statistics.median(cpus):.3f} of it "
            f"({min(cpus):.3f}-{max(cpus):.3f})"
        )
    print(
        "targets: covered >= 0.5 of the floor's rate, p99 within 3x of the floor's\n"
        f"queries per thumbnail request: covered {len(covered_queries)} "
        f"({' '.join(covered_queries)}), audited {len(audited_queries)} "
        f"({' '.join(audited_queries)})"
    )
