import pytest
from pyproj import CRS

from gis.crs import check_bounds_fit, check_within_area_of_use, parse_crs, require_metric_projected
from gis.errors import CRSError, CRSMismatchError


def test_parse_crs_accepts_epsg_forms():
    assert parse_crs("EPSG:32637").to_epsg() == 32637
    assert parse_crs(32638).to_epsg() == 32638


@pytest.mark.parametrize("value", ["EPSG:999999", "not a crs", "'; DROP TABLE zone; --"])
def test_parse_crs_rejects_unknown(value):
    with pytest.raises(CRSError, match="unknown CRS"):
        parse_crs(value)


@pytest.mark.parametrize(("epsg", "message"), [(4326, "not projected"), (2276, "must be metres")])
def test_storage_crs_must_be_projected_metres(epsg, message):
    with pytest.raises(CRSError, match=message):
        require_metric_projected(CRS.from_epsg(epsg))


def test_projected_coordinates_labelled_as_degrees_are_caught():
    with pytest.raises(CRSMismatchError, match="not degrees"):
        check_bounds_fit(
            (521000, 2383000, 521100, 2383100), CRS.from_epsg(4326), source="f.geojson"
        )


def test_degrees_pass_bounds_check():
    check_bounds_fit((39.1, 21.4, 39.3, 21.6), CRS.from_epsg(4326), source="f.geojson")


def test_data_far_from_area_of_use_are_refused():
    with pytest.raises(CRSMismatchError, match="outside the area of use of EPSG:32637"):
        check_within_area_of_use(
            (-96.9, 32.7, -96.8, 32.8), CRS.from_epsg(32637), source="texas.geojson"
        )


def test_data_inside_area_of_use_pass():
    check_within_area_of_use((39.1, 21.4, 39.3, 21.6), CRS.from_epsg(32637), source="jeddah.gpkg")
