"""Role boundaries over HTTP: who may import, publish and load rules."""

import pytest

from plans.access import create_api_key
from plans.storage.models import PlanVersion
from plans.storage.municipalities import ensure_municipality
from tests.factories import write_layer, zone_layer

RULES = (
    "rule_set: t\nmunicipality: {m}\nversion: '1'\neffective_from: 2025-01-01\n"
    "source: test\nzones:\n  R: {{name: {{ar: سكني, en: Residential}}, max_floors: 3}}\n"
)


@pytest.fixture
def keys(session):
    for code in ("JED-DEMO", "RUH"):
        ensure_municipality(session, code)

    def make(role, municipality):
        key = create_api_key(
            session, role=role, municipality=municipality, label=role, created_by="test"
        )
        return {"X-API-Key": key}

    return make


@pytest.fixture
def zones_file(tmp_path):
    return write_layer(zone_layer(), tmp_path / "zones.gpkg")


def _upload(client, path, headers, municipality="JED-DEMO"):
    with path.open("rb") as handle:
        return client.post(
            "/plans/P-9/versions",
            files={"file": (path.name, handle, "application/geopackage+sqlite3")},
            data={"municipality": municipality, "effective_from": "2025-01-01"},
            headers=headers,
        )


def test_public_cannot_import(client, zones_file):
    response = _upload(client, zones_file, {})
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "detail": "import needs an API key (header X-API-Key)",
    }


def test_invalid_key_answers_401(client, zones_file):
    assert _upload(client, zones_file, {"X-API-Key": "mk_0000_nope"}).status_code == 401


def test_clerk_cannot_import(client, keys, zones_file):
    assert _upload(client, zones_file, keys("clerk", "JED-DEMO")).status_code == 403


def test_planner_imports_and_publishes_own_plan(client, keys, zones_file):
    planner = keys("planner", "JED-DEMO")
    imported = _upload(client, zones_file, planner)
    assert imported.status_code == 201
    assert imported.json()["version"] == 1
    published = client.post("/plans/P-9/versions/1/publish", json={}, headers=planner)
    assert published.status_code == 200
    assert published.json()["changed"] is True
    versions = client.get("/plans").json()
    assert versions[0]["status"] == "in_force"


def test_planner_of_another_municipality_cannot_publish(client, keys, zones_file):
    assert _upload(client, zones_file, keys("planner", "JED-DEMO")).status_code == 201
    response = client.post("/plans/P-9/versions/1/publish", json={}, headers=keys("planner", "RUH"))
    assert response.status_code == 403
    assert "a planner key of RUH may not publish of JED-DEMO" in response.json()["detail"]


def test_planner_cannot_import_into_another_municipality(client, keys, zones_file):
    response = _upload(client, zones_file, keys("planner", "RUH"), municipality="JED-DEMO")
    assert response.status_code == 403


def test_public_cannot_publish(client, keys, zones_file):
    _upload(client, zones_file, keys("planner", "JED-DEMO"))
    assert client.post("/plans/P-9/versions/1/publish", json={}).status_code == 401


def test_rule_sets_need_admin_of_their_municipality(client, keys):
    body = RULES.format(m="RUH").encode()
    headers = {"Content-Type": "application/yaml"}
    assert client.post("/rule-sets", content=body, headers=headers).status_code == 401
    assert (
        client.post(
            "/rule-sets", content=body, headers=headers | keys("planner", "RUH")
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/rule-sets", content=body, headers=headers | keys("admin", "JED-DEMO")
        ).status_code
        == 403
    )
    stored = client.post("/rule-sets", content=body, headers=headers | keys("admin", "RUH"))
    assert stored.status_code == 201
    assert [r["rule_set"] for r in client.get("/rule-sets").json()] == ["t"]


def test_bad_rule_file_names_key(client, keys):
    body = RULES.format(m="RUH").replace("max_floors: 3", "max_floors: -3").encode()
    response = client.post("/rule-sets", content=body, headers=keys("admin", None))
    assert response.status_code == 422
    assert "zones.R.max_floors" in response.json()["detail"]


def test_writes_record_who(client, keys, zones_file, session):
    _upload(client, zones_file, keys("planner", "JED-DEMO"))
    version = session.query(PlanVersion).one()
    assert version.created_by.startswith("key:") and version.created_by.endswith(":planner")


def test_version_report_for_review(client, keys, zones_file):
    imported = _upload(client, zones_file, keys("planner", "JED-DEMO")).json()
    report = client.get(f"/plans/versions/{imported['plan_version_id']}").json()
    assert (report["status"], report["source_kind"], report["plan_number"]) == (
        "draft",
        "vector",
        "P-9",
    )
    assert report["quality_report"]["features"] == 3
    assert client.get("/plans/versions/999999").status_code == 404
