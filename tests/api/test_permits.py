from shapely.geometry import mapping

from gis.crs import reproject
from plans.permits import result_digest
from plans.sample import build_sample_town

PLOT = build_sample_town().parcels.set_index("number").geometry["101-01"]


def _lonlat(geom):
    return mapping(reproject(geom, 32637, 4326))


def test_check_by_parcel_number(client, sample):
    response = client.post("/permits/check", json={"parcel": "101-01", "use": "residential"})
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] in {"eligible", "not_eligible", "needs_review"}
    assert body["reference"].startswith("PC-")
    assert {r["rule"] for r in body["rules"]} >= {"use", "max_coverage"}


def test_check_with_drawn_parcel_and_footprint(client, sample):
    footprint = PLOT.buffer(-0.5, join_style="mitre")
    body = {"parcel_geometry": _lonlat(PLOT), "footprint": _lonlat(footprint), "use": "residential"}
    answer = client.post("/permits/check", json=body).json()
    assert answer["verdict"] == "not_eligible"
    assert any(r["rule"] == "max_coverage" and r["status"] == "fail" for r in answer["rules"])


def test_geometry_in_named_crs(client, sample):
    drawn = {**mapping(PLOT), "crs": {"type": "name", "properties": {"name": "EPSG:32637"}}}
    answer = client.post(
        "/permits/check", json={"parcel_geometry": drawn, "use": "residential"}
    ).json()
    assert answer["zones"][0]["zone_code"] == "RES_A"


def test_invalid_footprint_answers_422(client, sample):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[39.2, 21.55], [39.21, 21.56], [39.21, 21.55], [39.2, 21.56], [39.2, 21.55]]
        ],
    }
    response = client.post(
        "/permits/check", json={"parcel": "101-01", "footprint": bowtie, "use": "residential"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_geometry"
    assert "footprint: is invalid" in response.json()["detail"]


def test_unknown_parcel_answers_404(client, sample):
    response = client.post("/permits/check", json={"parcel": "nope", "use": "residential"})
    assert response.status_code == 404
    assert response.json()["detail"] == "no parcel 'nope' in municipality 'JED-DEMO'"


def test_missing_use_answers_422(client, sample):
    response = client.post("/permits/check", json={"parcel": "101-01"})
    assert response.status_code == 422
    assert "use" in response.json()["detail"]


def test_projected_coordinates_as_lon_lat_answer_422(client, sample):
    response = client.post(
        "/permits/check", json={"parcel_geometry": mapping(PLOT), "use": "residential"}
    )
    assert response.status_code == 422
    assert "not degrees" in response.json()["detail"]


def test_check_by_clicked_point(client, sample):
    lon, lat = reproject(PLOT.centroid, 32637, 4326).coords[0]
    answer = client.post("/permits/check", json={"point": [lon, lat], "use": "residential"}).json()
    assert answer["parcel"] == "101-01"


def test_recorded_check_can_be_read_back(client, sample):
    answer = client.post("/permits/check", json={"parcel": "101-01", "use": "residential"}).json()
    again = client.get(f"/permits/checks/{answer['reference']}")
    assert again.status_code == 200
    assert again.json() == answer
    assert client.get("/permits/checks/PC-20260101-00000000").status_code == 404
    assert client.get("/permits/checks/not-a-reference").status_code == 422


def test_point_outside_degrees_answers_400(client, sample):
    response = client.post(
        "/permits/check", json={"point": [521000, 2383000], "use": "residential"}
    )
    assert response.status_code == 400


def test_answer_as_sent_verifies_against_its_digest_and_the_record(client, sample):
    answer = client.post("/permits/check", json={"parcel": "101-01", "use": "residential"}).json()
    assert answer["result_sha256"] == result_digest(answer)
    assert client.get(f"/permits/checks/{answer['reference']}").json() == answer
