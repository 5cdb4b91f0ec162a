"""GET /healthz: 200 when database, broker and storage answer; 503 naming what is down.

The outages are real: a database whose connection is refused, a broker on a closed
port, a blob folder that cannot exist.
"""

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections

from pixiodoc.celery import app as celery_app

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
def refusing_database(db):
    """Swap the default connection for one to a database that refuses to connect."""
    good = connections["default"]
    settings_dict = dict(good.settings_dict)
    if settings_dict["ENGINE"].endswith("sqlite3"):
        settings_dict["NAME"] = "/nonexistent-folder/refused.sqlite3"
    else:
        settings_dict["PORT"] = CLOSED_PORT
    bad = type(good)(settings_dict, "default")
    connections["default"] = bad
    yield
    connections["default"] = good
    bad.close()


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


def test_healthz_reveals_no_detail_of_the_failure(client, refusing_database):
    body = client.get("/healthz").content.decode()
    assert "nonexistent" not in body and "Error" not in body
