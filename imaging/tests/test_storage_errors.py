"""Storage errors lose nothing and leave nothing; a retried upload is stored once (issue 20).

The full disk is a storage that writes part of the file and then fails as a full
disk does (ENOSPC); the blob folder is the test's own.
"""

import contextlib
import errno
import logging
import os

import pytest
from botocore.exceptions import ClientError
from django.core.files.storage import FileSystemStorage, default_storage

from imaging.models import Photo
from imaging.tests import images
from imaging.tests.factories import allow_capture
from imaging.tests.test_views import upload
from patients.tests.factories import make_patient, make_visit
from pixiodoc import blobs
from pixiodoc.testing import free_port, running_moto_server


class FillingUpStorage(FileSystemStorage):
    """Writes `fail_on` (1-based) and later are cut short by ENOSPC, half written."""

    def __init__(self, *, fail_on: set[int], **kwargs):
        super().__init__(**kwargs)
        self.fail_on = fail_on
        self.writes = 0

    def _save(self, name, content):
        self.writes += 1
        if self.writes not in self.fail_on:
            return super()._save(name, content)
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as partial:
            partial.write(content.read()[:100])
        raise OSError(errno.ENOSPC, "No space left on device")


def files_under(root) -> list[str]:
    return [os.path.join(d, f) for d, _, names in os.walk(root) for f in names]


@pytest.fixture
def visit(clinician):
    visit = make_visit(actor=clinician, patient=make_patient(actor=clinician))
    allow_capture(visit.patient, clinician)
    return visit


@pytest.fixture
def disk(monkeypatch, blob_root):
    def fill(fail_on):
        storage = FillingUpStorage(fail_on=fail_on, location=str(blob_root))
        monkeypatch.setattr(default_storage, "_wrapped", storage)
        return storage

    return fill


def test_a_full_disk_answers_json_naming_the_file_and_leaves_no_file(
    client_for, clinician, visit, disk, blob_root, caplog
):
    before = files_under(blob_root)  # the consent's signature
    disk(fail_on=set(range(1, 100)))
    with caplog.at_level(logging.ERROR, logger="pixiodoc.blobs"):
        response = upload(client_for(clinician), visit, [("mole.jpg", images.jpeg())])
    assert response.status_code == 503
    result = response.json()["results"][0]
    assert result["name"] == "mole.jpg" and result["stored"] is False
    assert "not stored" in result["message"] and "Try again" in result["message"]
    assert files_under(blob_root) == before
    assert not Photo.objects.exists()
    assert "ENOSPC" in caplog.text


def test_renditions_written_before_the_failure_are_removed_and_others_carry_on(
    client_for, clinician, visit, disk, blob_root
):
    # Photo 1 takes writes 1-3; photo 2 fails on its second rendition (write 5)
    # after one was written; photo 3 is stored on the writes after.
    before = {os.path.relpath(f, blob_root) for f in files_under(blob_root)}
    disk(fail_on={5})
    response = upload(
        client_for(clinician),
        visit,
        [("a.jpg", images.jpeg()), ("b.jpg", images.jpeg()), ("c.jpg", images.jpeg())],
    )
    assert response.status_code == 200
    stored = [r["stored"] for r in response.json()["results"]]
    assert stored == [True, False, True]
    assert Photo.objects.count() == 2
    kept = {
        name
        for photo in Photo.objects.all()
        for name in (photo.thumb_blob, photo.display_blob, photo.original_blob)
    }
    after = {os.path.relpath(f, blob_root) for f in files_under(blob_root)}
    assert after == before | kept


def test_a_retry_with_the_same_upload_key_answers_the_stored_photo(
    client_for, clinician, visit, blob_root
):
    client = client_for(clinician)
    before = len(files_under(blob_root))
    key = "0123456789abcdef0123456789abcdef"
    image = images.jpeg()
    first = upload(client, visit, [("a.jpg", image)], upload_key=key)
    again = upload(client, visit, [("a.jpg", image)], upload_key=key)
    assert first.status_code == again.status_code == 200
    assert first.json()["results"][0]["photo"] == again.json()["results"][0]["photo"]
    assert Photo.objects.count() == 1
    assert len(files_under(blob_root)) == before + 3


def test_another_upload_key_stores_another_photo(client_for, clinician, visit):
    client = client_for(clinician)
    image = images.jpeg()
    upload(client, visit, [("a.jpg", image)], upload_key="a" * 32)
    upload(client, visit, [("a.jpg", image)], upload_key="b" * 32)
    assert Photo.objects.count() == 2


def test_the_log_names_an_s3_error_by_its_code():
    error = ClientError({"Error": {"Code": "SlowDown", "Message": "x"}}, "PutObject")
    assert blobs.storage_error(error) == "SlowDown"
    assert blobs.storage_error(OSError(errno.ENOSPC, "full")) == "ENOSPC"


def _s3_storage(settings, *, endpoint: str, bucket: str) -> None:
    from botocore.config import Config

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "access_key": "testing",
                "secret_key": "testing",
                "region_name": "us-east-1",
                "file_overwrite": False,
                "default_acl": None,
                "client_config": Config(
                    s3={"addressing_style": "path"},
                    signature_version="s3v4",
                    connect_timeout=2,
                    retries={"max_attempts": 1, "mode": "standard"},
                ),
            },
        },
    }


@pytest.mark.parametrize("fault", ["refused", "no-bucket"])
def test_an_s3_that_refuses_the_write_answers_json_and_logs_why(
    client_for, clinician, visit, settings, caplog, fault
):
    with contextlib.ExitStack() as stack:
        if fault == "refused":
            endpoint, expected = f"http://127.0.0.1:{free_port()}", "EndpointConnection"
        else:
            endpoint = stack.enter_context(running_moto_server())
            expected = "NoSuchBucket"
        _s3_storage(settings, endpoint=endpoint, bucket="pixiodoc-missing")
        with caplog.at_level(logging.ERROR, logger="pixiodoc.blobs"):
            response = upload(
                client_for(clinician), visit, [("mole.jpg", images.jpeg())]
            )
    result = response.json()["results"][0]
    assert response.status_code == 503
    assert result["stored"] is False and result["message"].startswith("mole.jpg")
    assert expected in caplog.text
    assert not Photo.objects.exists()
