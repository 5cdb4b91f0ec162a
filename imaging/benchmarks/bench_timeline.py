"""A 1,000-photo timeline: server time and a query count that must not grow.

Photo rows are made directly (the timeline reads rows, never blobs), spread over
50 visits; the same patient page is timed with 10 and with 1,000 photos (target:
at most 2x, and the first screen under 300 ms), and with all 1,000 unfolded
(`?show=all`: every photo decrypted, signed, rendered and audited).
"""

import os
import statistics
import time
import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imaging.models import Photo
from patients.tests.factories import make_patient, make_visit

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))


def add_photos(patient, visits, count):
    Photo.objects.bulk_create(
        Photo(
            uuid=uuid.uuid4(),
            patient=patient,
            visit=visits[i % len(visits)],
            body_region=("knee", "hand", "face")[i % 3],
            tags="bench",
            sha256="0" * 64,
            byte_size=1,
            width=4000,
            height=3000,
            thumb_blob=f"patients/{patient.uuid}/t{i}",
            display_blob=f"patients/{patient.uuid}/d{i}",
            original_blob=f"patients/{patient.uuid}/o{i}",
        )
        for i in range(count)
    )


def timed(client, url, query) -> float:
    started = time.perf_counter()
    response = client.get(url, query)
    assert response.status_code == 200
    return time.perf_counter() - started


def queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url, query)
    return len(captured)


def patient_with(clinician, photos: int):
    patient = make_patient(actor=clinician)
    visits = [
        make_visit(
            actor=clinician,
            patient=patient,
            visit_on=date(2024, 1, 1) + timedelta(days=7 * n),
        )
        for n in range(50)
    ]
    add_photos(patient, visits, photos)
    return patient.get_absolute_url()


@pytest.mark.bench
def test_bench_a_thousand_photo_timeline(client_for, clinician):
    client = client_for(clinician)
    pages = {
        "10 photos": (patient_with(clinician, 10), {}),
        "1,000 photos": (patient_with(clinician, 1000), {}),
        "all 1,000 shown": (patient_with(clinician, 1000), {"show": "all"}),
    }
    for url, query in pages.values():
        client.get(url, query)  # warm
    # Interleaved rounds, medians: the shared machine's load moves between them.
    times = {name: [] for name in pages}
    for _ in range(ROUNDS):
        for name, (url, query) in pages.items():
            times[name].append(timed(client, url, query))
    ms = {name: statistics.median(t) * 1000 for name, t in times.items()}
    counts = {name: queries(client, *page) for name, page in pages.items()}
    print(
        f"\ntimeline, 50 visits, median of {ROUNDS} interleaved rounds "
        f"(load average {os.getloadavg()[0]:.2f}): "
        + "; ".join(f"{n} {ms[n]:.0f} ms / {counts[n]} queries" for n in pages)
        + f"; 1,000 vs 10: {ms['1,000 photos'] / ms['10 photos']:.2f}x (target <= 2x, "
        f"first screen < 300 ms); query count "
        f"{'flat' if len(set(counts.values())) == 1 else 'GREW'}"
    )
