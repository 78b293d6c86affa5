import pytest


def test_landing_links_collections(client):
    body = client.get("/").json()
    assert {link["rel"] for link in body["links"]} >= {"service-desc", "conformance", "data"}


def test_conformance_lists_core(client):
    assert any(c.endswith("/conf/core") for c in client.get("/conformance").json()["conformsTo"])


def test_collections_list_zones_and_parcels(client):
    ids = [c["id"] for c in client.get("/collections").json()["collections"]]
    assert ids == ["zones", "parcels"]


def test_zones_items_are_geojson_of_version_in_force(client, sample):
    response = client.get("/collections/zones/items")
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == sample.zones
    codes = {f["properties"]["zone_code"] for f in body["features"]}
    assert codes == {"RES_A", "COM", "EDU", "PARK", "ROAD"}
    lon, lat = body["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 39 < lon < 39.3 and 21.4 < lat < 21.7


def test_zones_before_effective_date_are_empty(client, sample):
    body = client.get("/collections/zones/items", params={"datetime": "2023-12-31"}).json()
    assert body["numberMatched"] == 0


def test_parcels_bbox_filters(client, sample):
    everything = client.get("/collections/parcels/items", params={"limit": 1}).json()
    assert everything["numberMatched"] == sample.parcels
    corner = client.get(
        "/collections/parcels/items", params={"bbox": "39.19,21.54,39.2035,21.5503"}
    ).json()
    assert 0 < corner["numberMatched"] < sample.parcels
    far = client.get("/collections/parcels/items", params={"bbox": "10,10,11,11"}).json()
    assert far["numberMatched"] == 0


def test_parcels_paging_links(client, sample):
    first = client.get("/collections/parcels/items", params={"limit": 100}).json()
    [next_link] = [link for link in first["links"] if link["rel"] == "next"]
    second = client.get(next_link["href"]).json()
    assert second["numberReturned"] == 100
    assert {f["id"] for f in first["features"]}.isdisjoint(f["id"] for f in second["features"])
    last = client.get("/collections/parcels/items", params={"offset": sample.parcels - 1}).json()
    assert last["numberReturned"] == 1
    assert not [link for link in last["links"] if link["rel"] == "next"]


def test_item_by_id(client, sample):
    feature = client.get("/collections/parcels/items", params={"limit": 1}).json()["features"][0]
    one = client.get(f"/collections/parcels/items/{feature['id']}").json()
    assert one["properties"]["number"] == feature["properties"]["number"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bbox": "1,2,3"}, "give four numbers"),
        ({"bbox": "a,b,c,d"}, "must be numbers"),
        ({"bbox": "10,10,5,5"}, "min <= max"),
        ({"bbox": "1,2,3,4'; DROP TABLE parcel; --"}, "must be numbers"),
        ({"datetime": "yesterday"}, "YYYY-MM-DD"),
    ],
)
def test_bad_parameters_answer_400(client, params, message):
    response = client.get("/collections/zones/items", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_parameter"
    assert message in response.json()["detail"]


def test_limit_out_of_range_answers_422(client):
    response = client.get("/collections/zones/items", params={"limit": 0})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


@pytest.mark.parametrize(
    "path", ["/collections/roads", "/collections/roads/items", "/collections/zones/items/999999"]
)
def test_unknown_collection_or_feature_answers_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_parcel_zoning_with_rules_in_force(client, sample):
    parcel = client.get("/collections/parcels/items", params={"limit": 1}).json()["features"][0]
    zoning = client.get(f"/parcels/{parcel['id']}/zoning").json()
    [zone] = zoning["zones"]
    assert (zone["zone_code"], zone["share"]) == ("RES_A", 1.0)
    assert zone["rules"]["max_coverage"] == 0.75
    assert zone["rules"]["rule_set"] == "jed-demo-villas"
    assert client.get("/parcels/999999/zoning").status_code == 404
