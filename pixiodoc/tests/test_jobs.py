"""pixiodoc.jobs: sending that never raises, resenders every app registers, leases kept."""

import threading

import pytest

from pixiodoc import jobs
from pixiodoc.celery import app, ping

CLOSED_PORT = 1


def test_send_says_false_when_the_broker_refuses(monkeypatch):
    monkeypatch.setitem(app.conf, "broker_url", f"redis://127.0.0.1:{CLOSED_PORT}/0")
    monkeypatch.setitem(app.conf, "broker_transport_options", {})
    assert jobs.send(ping) is False


@pytest.fixture
def resenders(monkeypatch):
    registry = {}
    monkeypatch.setattr(jobs, "_RESENDERS", registry)
    return registry


def test_every_registered_resender_runs_even_when_one_fails(resenders):
    seen = []

    def broken(*, include_leased):
        raise RuntimeError("database gone")

    jobs.register_resender("a-broken", broken)
    jobs.register_resender(
        "b-pushes", lambda *, include_leased: seen.append(include_leased) or {"x": 2}
    )
    assert jobs.resend_waiting(include_leased=True) == {"b-pushes": {"x": 2}}
    assert seen == [True]


def test_a_lease_is_renewed_while_the_work_runs_and_not_after(settings):
    settings.JOBS_LEASE_SECONDS = 0.3  # renewed every 0.1 s
    renewed = threading.Event()
    calls = []

    def renew():
        calls.append(1)
        renewed.set()

    with jobs.keep_lease(renew):
        assert renewed.wait(10)  # a deadline, not a timing
    after = len(calls)
    assert after >= 1
    threading.Event().wait(0.3)
    assert len(calls) == after
