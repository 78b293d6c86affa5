"""Input limits and hostile input: each refused with a 4xx that names the limit."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from api.settings import Settings
from plans.storage.models import PlanVersion
from tests.api.sessions import use_test_session
from tests.factories import write_sheet_files


@pytest.fixture
def small_client(engine, session, tmp_path):
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        data_dir=tmp_path,
        max_upload_mb=1,
        max_body_kb=4,
    )
    app = create_app(settings)
    use_test_session(app, session)
    with TestClient(app) as client:
        yield client


def test_large_json_body_refused_with_limit(small_client):
    response = small_client.post(
        "/permits/check",
        content=b"{" + b" " * 10_000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json() == {
        "code": "payload_too_large",
        "detail": "request body is over the limit of 4 KiB for this endpoint",
    }


def test_chunked_body_without_length_counted(small_client):
    def chunks():
        for _ in range(10):
            yield b" " * 1024

    response = small_client.post(
        "/permits/check", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_large_upload_refused(small_client, planner):
    big = b"\0" * (1024 * 1024 + 10)
    response = small_client.post(
        "/plans/P/versions", files={"file": ("z.gpkg", big)}, headers=planner
    )
    assert response.status_code == 413
    assert "1,024 KiB" in response.json()["detail"]


def test_unsupported_upload_type(client, planner):
    response = client.post(
        "/plans/P/versions", files={"file": ("plan.exe", b"MZ...")}, headers=planner
    )
    assert response.status_code == 415
    assert "unsupported file type .exe; send one of .gpkg" in response.json()["detail"]


def test_corrupt_upload_leaves_nothing(client, planner, session):
    response = client.post(
        "/plans/P/versions", files={"file": ("z.gpkg", b"not a geopackage")}, headers=planner
    )
    assert response.status_code == 422
    assert session.scalar(select(func.count()).select_from(PlanVersion)) == 0


def test_too_many_vertices(client, sample):
    ring = [[39.2 + 0.00001 * i, 21.55] for i in range(6000)] + [
        [39.2 + 0.00001 * i, 21.551] for i in range(6000, 0, -1)
    ]
    ring.append(ring[0])
    response = client.post(
        "/permits/check",
        json={"parcel_geometry": {"type": "Polygon", "coordinates": [ring]}, "use": "residential"},
    )
    assert response.status_code == 422
    assert "more than the limit of 10000" in response.json()["detail"]


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [39.2, 21.5]},
        {"type": "Polygon", "coordinates": "nonsense"},
        {"type": "FeatureCollection", "features": []},
        {"type": "Polygon", "coordinates": [[[39.2, 21.5]]]},
    ],
)
def test_malformed_geojson_answers_422(client, sample, geometry):
    response = client.post(
        "/permits/check", json={"parcel_geometry": geometry, "use": "residential"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_geometry"


def test_request_id_echoed_and_generated(client):
    given = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/health", headers={"X-Request-ID": "<script>"})
    assert made.headers["x-request-id"] != "<script>" and len(made.headers["x-request-id"]) == 32


def test_nul_byte_in_text_answers_422_without_sql(client):
    response = client.get("/plans", params={"municipality": "JED\x00DEMO"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_value"
    assert "SELECT" not in response.text


def test_scan_over_pixel_limit_refused_before_decoding(engine, session, tmp_path, planner):
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        data_dir=tmp_path,
        max_scan_pixels=1000,
    )
    app = create_app(settings)
    use_test_session(app, session)
    scan, gcps, legend, _sheet = write_sheet_files(tmp_path)
    files = {
        "scan": (scan.name, scan.read_bytes()),
        "gcps": (gcps.name, gcps.read_bytes()),
        "legend": (legend.name, legend.read_bytes()),
    }
    with TestClient(app) as client:
        response = client.post("/plans/S/scans", files=files, headers=planner)
    assert response.status_code == 413
    assert "more than max_pixels=1,000" in response.json()["detail"]
