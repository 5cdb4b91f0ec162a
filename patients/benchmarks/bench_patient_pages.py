"""Benchmarks: the patient list, search and the timeline (issue 2 item 8).

Server time (median of several requests through Django's test client, so no
network) and query count for a practice of 5,000 patients and a patient with 200
visits. The query count must not grow with the number of rows: each page is also
measured at a small size and the counts compared. Times are printed, never asserted.
Run with `make bench`; with DATABASE_URL set it measures on that database.
"""

import statistics
import time
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patients import blind_index
from patients.models import IndexTerm, Patient, Visit
from patients.services import index_digests
from patients.tests.factories import make_patient
from pixiodoc import crypto

pytestmark = pytest.mark.bench

REPEATS = 7
SURNAMES = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Haddad", "Novak", "Silva"]


def add_patients(member, count: int, start: int = 0) -> list[Patient]:
    """Bulk-create patients as create_patient would store them (encrypted, indexed)."""
    version, wrapped = crypto.wrap_data_key(crypto.new_data_key(), owner="bench")
    patients = []
    for i in range(start, start + count):
        record = f"BENCH-{i:05d}"
        patients.append(
            Patient(
                practice=member.practice,
                created_by=member,
                given_name=f"Given{i}",
                family_name=SURNAMES[i % len(SURNAMES)],
                date_of_birth=date(1950, 1, 1) + timedelta(days=i),
                sex="unknown",
                record_number=record,
                record_number_digest=blind_index.record_number_digest(record),
                kek_version=version,
                wrapped_data_key=wrapped,
            )
        )
    Patient.objects.bulk_create(patients, batch_size=500)
    IndexTerm.objects.bulk_create(
        (
            IndexTerm(patient=p, digest=d)
            for p in Patient.objects.filter(
                record_number_digest__in=[x.record_number_digest for x in patients]
            )
            for d in index_digests(p)
        ),
        batch_size=2000,
    )
    return patients


def add_visits(member, patient, count: int, start: int = 0) -> None:
    Visit.objects.bulk_create(
        (
            Visit(
                patient=patient,
                visit_on=date(2026, 1, 1) - timedelta(days=7 * i),
                clinician=member,
                reason=f"Review {i}",
                notes="Healing well.",
            )
            for i in range(start, start + count)
        ),
        batch_size=500,
    )


def measure(client, url, params=None):
    """(median server time in ms, query count) of GET url."""
    client.get(url, params)  # warm caches and templates
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    count = len(queries)  # now: the next request resets the log
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    assert count > 0
    return statistics.median(times), count


def report(title, small, large):
    engine = connection.vendor
    print(
        f"\n{title} [{engine}]: small {small[0]:.1f} ms / {small[1]} queries; "
        f"large {large[0]:.1f} ms / {large[1]} queries"
    )


def test_patient_list_and_search_scale(client_for, clinician):
    client = client_for(clinician)
    add_patients(clinician, 50)
    list_small = measure(client, "/patients/")
    search_small = measure(client, "/patients/", {"q": "Tanaka"})
    add_patients(clinician, 4950, start=50)
    assert Patient.objects.filter(practice=clinician.practice).count() == 5000
    list_large = measure(client, "/patients/")
    search_large = measure(client, "/patients/", {"q": "Tanaka"})
    page_last = measure(client, "/patients/", {"page": "200"})
    report("patient list, 50 vs 5,000 patients", list_small, list_large)
    report("patient search (one surname), 50 vs 5,000", search_small, search_large)
    print(f"patient list, page 200 of 200: {page_last[0]:.1f} ms / {page_last[1]} q")
    assert list_large[1] == list_small[1]
    assert search_large[1] == search_small[1]
    assert page_last[1] == list_small[1]


def test_timeline_scales(client_for, clinician):
    client = client_for(clinician)
    patient = make_patient(actor=clinician)
    add_visits(clinician, patient, 5)
    small = measure(client, f"/patients/{patient.uuid}/")
    add_visits(clinician, patient, 195, start=5)
    assert patient.visits.count() == 200
    large = measure(client, f"/patients/{patient.uuid}/")
    report("timeline, 5 vs 200 visits", small, large)
    assert large[1] == small[1]
