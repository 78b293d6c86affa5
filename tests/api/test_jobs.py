"""`POST /plans/{number}/scans?wait=false` queues a job; `GET /jobs/{id}` follows it."""

from plans.storage.models import ImportJob
from tests.factories import write_sheet_files


def _post(client, tmp_path, headers, query="?wait=false"):
    scan, gcps, legend, _sheet = write_sheet_files(tmp_path)
    with scan.open("rb") as s, gcps.open("rb") as g, legend.open("rb") as lg:
        return client.post(
            f"/plans/S-1/scans{query}",
            files={"scan": (scan.name, s), "gcps": (gcps.name, g), "legend": (legend.name, lg)},
            data={"method": "affine", "municipality": "JED-DEMO"},
            headers=headers,
        )


def test_queued_import_answers_202_and_its_status(client, planner, tmp_path, session):
    response = _post(client, tmp_path, planner)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued" and body["status_url"] == f"/jobs/{body['job_id']}"
    job = session.get_one(ImportJob, body["job_id"])
    assert job.queue_job_id is not None and job.created_by.startswith("key:")
    status = client.get(body["status_url"], headers=planner)
    assert status.status_code == 200
    assert status.json() | {"created_at": None, "updated_at": None} == {
        "id": body["job_id"],
        "kind": "scan",
        "status": "queued",
        "municipality": "JED-DEMO",
        "plan_number": "S-1",
        "attempts": 0,
        "error": None,
        "plan_version_id": None,
        "created_at": None,
        "updated_at": None,
    }


def test_job_status_needs_a_planner_key(client, planner, tmp_path):
    job_id = _post(client, tmp_path, planner).json()["job_id"]
    assert client.get(f"/jobs/{job_id}").status_code in (401, 403)


def test_unknown_job_is_404(client, planner):
    response = client.get("/jobs/999999", headers=planner)
    assert response.status_code == 404
    assert set(response.json()) >= {"code", "detail"}


def test_default_still_imports_in_the_request(client, planner, tmp_path):
    response = _post(client, tmp_path, planner, query="")
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 1
