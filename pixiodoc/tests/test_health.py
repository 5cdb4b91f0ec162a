"""GET /healthz: 200 when database, broker and storage answer; 503 naming what is down.

The outages are real: a database whose connection is refused, a broker on a closed
port, a blob folder that cannot exist.
"""

import threading

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections

from pixiodoc import health
from pixiodoc.celery import app as celery_app
from pixiodoc.testing import store_blobs_in

CLOSED_PORT = 1


def test_healthz_reports_every_dependency(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "storage": "ok",
    }
    assert response["Content-Type"] == "application/json"


@pytest.fixture
def refusing_database_later(db):
    """refuse() swaps the default connection for one to a database that refuses."""
    good = connections["default"]
    swapped = []

    def refuse():
        settings_dict = dict(good.settings_dict)
        if settings_dict["ENGINE"].endswith("sqlite3"):
            settings_dict["NAME"] = "/nonexistent-folder/refused.sqlite3"
        else:
            settings_dict["PORT"] = CLOSED_PORT
        bad = type(good)(settings_dict, "default")
        connections["default"] = bad
        swapped.append(bad)

    yield refuse
    connections["default"] = good
    for bad in swapped:
        bad.close()


@pytest.fixture
def refusing_database(refusing_database_later):
    refusing_database_later()


def test_healthz_is_503_when_the_database_refuses(client, refusing_database):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "down",
        "broker": "ok",
        "storage": "ok",
    }


def test_healthz_is_503_when_the_broker_is_down(client, db, monkeypatch):
    monkeypatch.setitem(
        celery_app.conf, "broker_url", f"redis://127.0.0.1:{CLOSED_PORT}/0"
    )
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


def test_healthz_is_503_when_storage_is_unusable(client, db, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(
        default_storage, "_wrapped", FileSystemStorage(location=blocker / "blobs")
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "down"


def test_healthz_says_storage_is_full_below_the_free_space_threshold(
    client, db, settings, tmp_path
):
    store_blobs_in(settings, tmp_path / "blobs")
    settings.STORAGE_MIN_FREE_MB = 1024 * 1024 * 1024  # a petabyte: never free
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "full"
    assert response.json()["database"] == "ok"


# issue 20: the session middleware read the database first and answered 500.
def test_healthz_is_503_naming_the_database_with_a_staff_session_cookie(
    clinician, client_for, refusing_database_later
):
    client = client_for(clinician)
    client.raise_request_exception = False
    refusing_database_later()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response["Cache-Control"] == "no-store"


def test_a_staff_page_is_a_plain_503_with_retry_after_when_the_database_refuses(
    clinician, client_for, refusing_database_later
):
    client = client_for(clinician)
    client.raise_request_exception = False
    refusing_database_later()
    response = client.get("/patients/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Temporarily unavailable" in body and "Nothing was lost" in body
    assert "Traceback" not in body and "OperationalError" not in body


def test_healthz_answers_while_a_dependency_hangs(client, db, monkeypatch):
    release = threading.Event()
    monkeypatch.setitem(health.CHECKS, "broker", lambda: release.wait(10))
    try:
        response = client.get("/healthz")
    finally:
        release.set()
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["storage"] == "ok"


def test_healthz_reveals_no_detail_of_the_failure(client, refusing_database):
    body = client.get("/healthz").content.decode()
    assert "nonexistent" not in body and "Error" not in body
