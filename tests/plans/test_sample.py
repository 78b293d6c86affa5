import pytest
from shapely import coverage_is_valid
from shapely.ops import unary_union

from plans.demo import load_sample
from plans.sample import build_sample_town
from plans.storage.plan_versions import list_versions


def test_sample_zones_cover_town_without_gaps_or_overlaps():
    town = build_sample_town()
    zones = list(town.zones.geometry)
    assert coverage_is_valid(zones)
    envelope = unary_union(zones).envelope
    assert sum(z.area for z in zones) == pytest.approx(envelope.area)


def test_sample_parcels_unique_and_inside_buildable_zones():
    town = build_sample_town()
    assert town.parcels["number"].is_unique
    buildable = unary_union(list(town.zones[town.zones.zone_code != "ROAD"].geometry))
    assert town.parcels.geometry.within(buildable.buffer(1e-6)).all()


def test_load_sample_once(session, storage_crs, tmp_path):
    first = load_sample(session, tmp_path, storage_crs=storage_crs)
    second = load_sample(session, tmp_path, storage_crs=storage_crs)
    assert first.loaded and not second.loaded
    assert first.parcels == len(build_sample_town().parcels)
    [version] = list_versions(session, "JED-DEMO")
    assert version.status == "in_force"
