import mapbox_vector_tile
import morecantile

TILE = morecantile.tms.get("WebMercatorQuad").tile(39.2045, 21.5515, 15)
URL = f"/tiles/zones/{TILE.z}/{TILE.x}/{TILE.y}.mvt"


def test_zone_tile_served_with_etag(client, sample):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert response.headers["etag"].startswith('"zones-')
    assert mapbox_vector_tile.decode(response.content)["zones"]["features"]


def test_zone_tile_not_modified(client, sample):
    etag = client.get(URL).headers["etag"]
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_stale_etag_gets_the_tile(client, sample):
    fresh = client.get(URL)
    again = client.get(URL, headers={"If-None-Match": '"zones-stale"'})
    assert again.status_code == 200
    assert again.content == fresh.content
    assert again.headers["etag"] == fresh.headers["etag"]


def test_unknown_version_with_etag_answers_404(client, sample):
    response = client.get(URL, params={"version": 999999}, headers={"If-None-Match": '"x"'})
    assert response.status_code == 404


def test_etag_changes_with_version_shown(client, sample):
    today = client.get(URL).headers["etag"]
    before = client.get(URL, params={"date": "2023-01-01"})
    assert before.headers["etag"] != today
    assert before.content == b""


def test_unknown_version_answers_404(client, sample):
    assert client.get(URL, params={"version": 999999}).status_code == 404


def test_tile_outside_grid_answers_404(client):
    response = client.get("/tiles/zones/3/9/0.mvt")
    assert response.status_code == 404
    assert "does not exist" in response.json()["detail"]


def test_unknown_layer_answers_422(client):
    assert client.get("/tiles/roads/1/0/0.mvt").status_code == 422


def test_tilejson_points_at_tiles(client, sample):
    body = client.get("/tiles/zones.json").json()
    assert body["tilejson"] == "3.0.0"
    assert body["tiles"][0].endswith("/tiles/zones/{z}/{x}/{y}.mvt")
    minx, miny, maxx, maxy = body["bounds"]
    assert minx < 39.2045 < maxx and miny < 21.5515 < maxy


def test_style_lists_sample_codes(client, sample):
    style = client.get("/style.json").json()
    fill = next(layer for layer in style["layers"] if layer["id"] == "zones-fill")["paint"][
        "fill-color"
    ]
    assert {"RES_A", "COM", "EDU", "PARK", "ROAD"} <= set(fill[2::2])
