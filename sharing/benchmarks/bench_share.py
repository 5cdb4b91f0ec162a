"""Share-link latency through gunicorn on loopback (issue 6, item 10).

Prints p50 and p95 of opening the share page (a granted session re-checking
the link, its consent and erasure block) and of a watermarked image view.
Targets are read, never asserted on time (STYLE.md §8).
"""

import os
import re
import statistics
import time

import pytest
import requests

from pixiodoc.benchmarking import gunicorn_serving

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))


@pytest.fixture
def gunicorn(transactional_db, settings, tmp_path):
    with gunicorn_serving(settings, tmp_path / "blobs") as base:
        yield base


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
