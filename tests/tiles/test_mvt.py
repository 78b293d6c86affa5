import datetime as dt

import mapbox_vector_tile
import morecantile
import pytest

from plans.demo import load_sample
from plans.storage.plan_versions import versions_in_force_ids
from tiles.mvt import TileOutOfRangeError, parcels_tile, tile_envelope, zones_tile

TMS = morecantile.tms.get("WebMercatorQuad")
TOWN_CENTRE = (39.2045, 21.5515)  # inside the sample town


@pytest.fixture
def town(session, storage_crs, tmp_path):
    load_sample(session, tmp_path, storage_crs=storage_crs)
    return versions_in_force_ids(session, dt.date.today())


def _envelope(zoom):
    tile = TMS.tile(*TOWN_CENTRE, zoom)
    return tile_envelope(tile.z, tile.x, tile.y)


def test_zone_tile_has_codes(session, town):
    decoded = mapbox_vector_tile.decode(zones_tile(session, _envelope(15), version_ids=town))
    codes = {f["properties"]["zone_code"] for f in decoded["zones"]["features"]}
    assert {"RES_A", "COM", "ROAD"} <= codes


def test_parcel_tile_has_numbers_at_street_zoom(session, town):
    decoded = mapbox_vector_tile.decode(parcels_tile(session, _envelope(17)))
    numbers = [f["properties"]["number"] for f in decoded["parcels"]["features"]]
    assert numbers and all("-" in n for n in numbers)


def test_small_parcels_dropped_at_low_zoom(session, town):
    assert parcels_tile(session, _envelope(10)) == b""
    assert mapbox_vector_tile.decode(zones_tile(session, _envelope(10), version_ids=town))["zones"][
        "features"
    ]


def test_tile_far_away_is_empty(session, town):
    assert zones_tile(session, tile_envelope(15, 0, 0), version_ids=town) == b""


def test_no_versions_no_tile(session):
    assert zones_tile(session, _envelope(15), version_ids=[]) == b""


@pytest.mark.parametrize(("z", "x", "y"), [(-1, 0, 0), (23, 0, 0), (3, 8, 0), (3, 0, -1)])
def test_tiles_outside_grid_refused(z, x, y):
    with pytest.raises(TileOutOfRangeError):
        tile_envelope(z, x, y)


def test_low_zoom_draws_generalised_zones(session, town):
    decoded = mapbox_vector_tile.decode(zones_tile(session, _envelope(13), version_ids=town))
    features = decoded["zones"]["features"]
    assert {f["properties"]["zone_code"] for f in features} >= {"RES_A", "COM", "ROAD"}
    assert all(set(f["properties"]) == {"zone_code"} for f in features)  # no per-zone detail
