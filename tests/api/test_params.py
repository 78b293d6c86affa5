"""The tile routes' hand-read parameters: the same rules and 422 answers as declared ones."""

import datetime as dt

import pytest
from fastapi.exceptions import RequestValidationError

from api.params import TileParams, VersionParams, tile_params, version_params


def test_tile_and_version_parameters_are_read():
    assert tile_params({"layer": "zones", "z": "15", "x": "0", "y": "7"}) == TileParams(
        "zones", 15, 0, 7
    )
    assert version_params({"version": "3", "date": "2024-02-29"}) == VersionParams(
        3, dt.date(2024, 2, 29)
    )
    assert version_params({}) == VersionParams()


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ({"layer": "roads", "z": "1", "x": "0", "y": "0"}, "layer"),
        ({"layer": "zones", "z": "23", "x": "0", "y": "0"}, "z"),
        ({"layer": "zones", "z": "1", "x": "-1", "y": "0"}, "x"),
        ({"layer": "zones", "z": "1", "x": "0", "y": "½"}, "y"),
        ({"layer": "zones", "z": "\u0661", "x": "0", "y": "0"}, "z"),  # Arabic-Indic one
    ],
)
def test_bad_tile_parameters_are_refused(path, where):
    with pytest.raises(RequestValidationError) as refused:
        tile_params(path)
    assert refused.value.errors()[0]["loc"] == ("path", where)


@pytest.mark.parametrize(
    "query", [{"version": "0"}, {"version": "x"}, {"version": "2147483648"}, {"date": "2024-02-30"}]
)
def test_bad_version_parameters_are_refused(query):
    with pytest.raises(RequestValidationError):
        version_params(query)


@pytest.mark.parametrize(
    "url",
    [
        "/tiles/zones/23/0/0.mvt",
        "/tiles/zones/1/x/0.mvt",
        "/tiles/zones/1/0/0.mvt?version=0",
        "/tiles/parcels/1/0/0.mvt?date=yesterday",
    ],
)
def test_bad_tile_requests_answer_422_naming_the_parameter(client, url):
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert response.json()["detail"].split(".")[0] in {"path", "query"}


def test_tile_parameters_are_documented(client):
    operation = client.get("/openapi.json").json()["paths"]["/tiles/{layer}/{z}/{x}/{y}.mvt"]["get"]
    names = {(p["in"], p["name"]) for p in operation["parameters"]}
    assert names == {
        ("path", "layer"),
        ("path", "z"),
        ("path", "x"),
        ("path", "y"),
        ("query", "version"),
        ("query", "date"),
    }
