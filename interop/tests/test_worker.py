"""PACS pushes carried out by a real Celery worker (issue 14, item 2; DESIGN §8).

With DATABASE_URL and REDIS_URL set they run on PostgreSQL and Redis (CI);
without them on the SQLite test file and the embedded filesystem broker. The
worker reads blobs where this test stores them (MEDIA_ROOT).
"""

import pytest

from interop.destinations import add_destination
from interop.models import PacsPush
from interop.pushes import push_photos
from interop.tests.factories import make_record
from patients.tests.worker import start_worker, stop_worker, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def worker(transactional_db, blob_root):
    process = start_worker({"MEDIA_ROOT": str(blob_root)})
    yield process
    stop_worker(process)


def test_a_worker_sends_the_queued_photos_to_the_pacs(owner, orthanc, worker):
    patient, _ = make_record(actor=owner)
    destination = add_destination(actor=owner, name="web", url=orthanc.dicomweb_url)
    # Committed at once (transactional_db): the jobs are queued as in production.
    pushes = push_photos(actor=owner, destination=destination, patient=patient)

    def all_sent():
        states = set(
            PacsPush.objects.filter(destination=destination).values_list(
                "status", flat=True
            )
        )
        return states == {"sent"}

    wait_for(all_sent, what="the worker to send every photo")
    for push in pushes:
        assert len(orthanc.find(push.sop_instance_uid)) == 1
