"""The S3 back-end against a real local S3-compatible server (moto's standalone server)."""

import pytest

from imaging import services
from imaging.tests.factories import make_photo
from imaging.tests.images import SIGNATURES
from pixiodoc import blobs
from pixiodoc.testing import running_moto_server

BUCKET = "pixiodoc-test"


@pytest.fixture
def moto_server():
    with running_moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3(settings, moto_server):
    import boto3

    options = {
        "bucket_name": BUCKET,
        "endpoint_url": moto_server,
        "access_key": "testing",
        "secret_key": "testing",
        "region_name": "us-east-1",
        "addressing_style": "path",
        "signature_version": "s3v4",
        "file_overwrite": False,
        "default_acl": None,
    }
    client = boto3.client(
        "s3",
        endpoint_url=moto_server,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)  # moto starts empty
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    return client


def bucket_objects(client) -> dict[str, bytes]:
    listing = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {
        o["Key"]: client.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read()
        for o in listing
    }


# S16 S17 (DESIGN.md §5: S3 through django-storages)
def test_photos_put_get_and_delete_on_s3_as_ciphertext(s3, clinician):
    photo = make_photo(actor=clinician)
    objects = bucket_objects(s3)
    # The photo's three renditions, and the consent's signature blob.
    assert set(photo.blob_names()) < set(objects)
    for key, data in objects.items():
        assert key.startswith(f"patients/{photo.patient.uuid}/")
        assert data.startswith(b"PXD1") and not data.startswith(SIGNATURES)
        assert b"Exif" not in data and b"JFIF" not in data
    plain = services.read_rendition(actor=clinician, photo=photo, rendition="display")
    assert plain.startswith(b"\xff\xd8\xff")
    assert sorted(blobs.blob_names(photo.patient.uuid)) == sorted(objects)

    services.delete_photo(actor=clinician, photo=photo, reason="duplicate")
    services.purge_photo_blobs(photo=photo)
    assert not set(photo.blob_names()) & set(bucket_objects(s3))
