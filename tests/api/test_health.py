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


def test_health_unmigrated_database_is_degraded(empty_url, tmp_path):
    app = create_app(Settings(database_url=empty_url, data_dir=tmp_path))
    with TestClient(app) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"]["revision"] is None


def test_health_without_database_is_unavailable(empty_url, server_url, tmp_path):
    app = create_app(Settings(database_url=empty_url, data_dir=tmp_path))
    with TestClient(app) as client:
        drop_database(server_url, empty_url.rsplit("/", 1)[1])
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"]["reachable"] is False
    assert "password" not in response.text
