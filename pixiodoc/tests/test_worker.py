import pytest

from pixiodoc.celery import ping


@pytest.mark.integration
def test_a_task_round_trips_through_a_real_worker(celery_worker_process):
    # Through Redis when REDIS_URL is set (CI), else the embedded filesystem broker.
    assert ping.delay().get(timeout=30) == "pong"
