from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from plans.storage.database import drop_database


def test_health_reports_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["reachable"] is True
    assert body["database"]["postgis"].startswith("3.")
    assert body["database"]["revision"] == body["database"]["head"]


def test_ready_when_database_migrated(client):
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_unmigrated_database_is_not_ready(empty_url, tmp_path):
    app = create_app(Settings(database_url=empty_url, data_dir=tmp_path))
    with TestClient(app) as client:
        ready = client.get("/ready")
        health = client.get("/health")
    assert ready.status_code == 503
    assert ready.json()["database"]["revision"] is None
    assert health.status_code == 200


def test_without_database_alive_but_not_ready(empty_url, server_url, tmp_path):
    app = create_app(Settings(database_url=empty_url, data_dir=tmp_path))
    with TestClient(app) as client:
        drop_database(server_url, empty_url.rsplit("/", 1)[1])
        ready = client.get("/ready")
        health = client.get("/health")
    assert ready.status_code == 503
    assert ready.json()["database"]["reachable"] is False
    assert health.status_code == 200
    assert health.json()["database"]["reachable"] is False
    assert "password" not in ready.text and "127.0.0.1" not in ready.text
