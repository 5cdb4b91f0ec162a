"""Lifecycle benchmarks (`make bench`): figures printed, never asserted on time.

- erasure of a patient with 1,000 photos' worth of blobs (3 renditions each),
  on the filesystem and on the local S3 server (moto_server);
- a retention scan of 10,000 patients.

Sizes can be lowered for a quick look: BENCH_PHOTOS, BENCH_PATIENTS.
"""

import os
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from django.utils import timezone

from patients.lifecycle import erasure as erasure_service
from patients.lifecycle import retention
from patients.lifecycle.models import ErasureRequest
from patients.models import Patient, Visit
from patients.tests.factories import make_patient
from pixiodoc import blobs
from pixiodoc.testing import running_moto_server

PHOTOS = int(os.environ.get("BENCH_PHOTOS", "1000"))
RENDITIONS = 3
PATIENTS = int(os.environ.get("BENCH_PATIENTS", "10000"))
BLOB_BYTES = 16 * 1024


def _erase_with_blobs(owner, compliance, label):
    patient = make_patient(actor=owner)
    payload = secrets.token_bytes(BLOB_BYTES)
    started = time.perf_counter()

    bucket = getattr(blobs.default_storage, "bucket", None)

    def store(photo):
        for rendition in range(RENDITIONS):
            if bucket is None:
                blobs.save_blob(
                    patient, obj=f"{photo}", label=f"r{rendition}", plaintext=payload
                )
            else:  # one PUT each: what erasure meets is the same, seeding is faster
                key = f"{blobs.prefix_for(patient.uuid)}{secrets.token_hex(16)}"
                bucket.put_object(Key=key, Body=payload)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(store, range(PHOTOS)))
    stored = time.perf_counter() - started
    erasure = erasure_service.request_erasure(
        actor=owner, patient=patient, asked_on=timezone.localdate()
    )
    erasure_service.approve_erasure(actor=compliance, erasure=erasure)
    started = time.perf_counter()
    result = erasure_service.run_erasure(request_uuid=str(erasure.uuid))
    elapsed = time.perf_counter() - started
    assert result.status == ErasureRequest.Status.COMPLETED
    assert blobs.blob_names(patient.uuid) == []
    count = PHOTOS * RENDITIONS
    print(
        f"\nerasure on {label}: {PHOTOS} photos, {count} blobs of "
        f"{BLOB_BYTES // 1024} KiB: {elapsed:.2f} s "
        f"({count / elapsed:.0f} blobs/s); storing them took {stored:.2f} s"
    )


@pytest.mark.bench
def test_bench_erasure_on_the_filesystem(owner, compliance, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "blobs")},
        },
    }
    _erase_with_blobs(owner, compliance, "the filesystem")


@pytest.fixture
def moto_s3():
    import boto3

    with running_moto_server() as endpoint:
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="bench",
            aws_secret_access_key="bench",  # noqa: S106 - a local test server
            region_name="us-east-1",
        ).create_bucket(Bucket="bench")
        yield endpoint


@pytest.mark.bench
def test_bench_erasure_on_s3(owner, compliance, settings, moto_s3):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "bench",
                "endpoint_url": moto_s3,
                "access_key": "bench",
                "secret_key": "bench",  # noqa: S106 - a local test server
                "region_name": "us-east-1",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    _erase_with_blobs(owner, compliance, "S3 (moto_server)")


@pytest.mark.bench
def test_bench_retention_scan_of_ten_thousand_patients(owner):
    today = timezone.localdate()
    patients = [
        Patient(
            practice=owner.practice,
            given_name="Bench",
            family_name=f"Patient{i}",
            date_of_birth=date(1950 + i % 60, 1 + i % 12, 1 + i % 28),
            record_number=f"B-{i:06d}",
            record_number_digest=f"bench-{i:06d}",
            wrapped_data_key=b"bench",
        )
        for i in range(PATIENTS)
    ]
    started = time.perf_counter()
    Patient.objects.bulk_create(patients, batch_size=1000)
    ids = list(
        Patient.objects.filter(practice=owner.practice).values_list("pk", flat=True)
    )
    # Half the patients were last seen 12 years ago (due), half last year.
    Visit.objects.bulk_create(
        [
            Visit(
                patient_id=pk,
                visit_on=today - timedelta(days=365 * (12 if n % 2 else 1)),
            )
            for n, pk in enumerate(ids)
        ],
        batch_size=1000,
    )
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    report = retention.due_for_purge(practice=owner.practice)
    elapsed = time.perf_counter() - started
    print(
        f"\nretention scan: {len(ids)} patients, {len(report.due)} due: "
        f"{elapsed:.2f} s (seeding took {seeded:.1f} s)"
    )
    assert len(report.due) > 0
