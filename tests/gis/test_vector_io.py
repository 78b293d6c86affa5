import json
from pathlib import Path

import ezdxf
import geopandas as gpd
import pytest
from shapely import box

from gis.errors import CRSError, CRSMismatchError, VectorReadError
from gis.vector_io import list_layers, read_features
from tests.factories import write_layer, zone_layer


def test_read_geojson_keeps_crs(tmp_path):
    path = write_layer(zone_layer(), tmp_path / "zones.geojson", crs="EPSG:4326")
    frame = read_features(path)
    assert frame.crs.to_epsg() == 4326
    assert list(frame["zone_code"]) == ["RES", "COM", "PARK"]


def test_missing_file_named(tmp_path):
    with pytest.raises(VectorReadError, match=r"nope\.gpkg: no such file"):
        read_features(tmp_path / "nope.gpkg")


def test_corrupt_file_named(tmp_path):
    path = tmp_path / "broken.gpkg"
    path.write_bytes(b"this is no GeoPackage" * 10)
    with pytest.raises(VectorReadError, match=r"broken\.gpkg: not a readable vector file"):
        read_features(path)


def test_several_layers_need_a_choice(tmp_path):
    path = tmp_path / "two.gpkg"
    zone_layer().to_file(path, layer="zones")
    zone_layer().to_file(path, layer="old_zones")
    assert sorted(list_layers(path)) == ["old_zones", "zones"]
    with pytest.raises(VectorReadError, match="choose one with --layer"):
        read_features(path)
    assert len(read_features(path, layer="old_zones")) == 3
    with pytest.raises(VectorReadError, match="no layer 'other'"):
        read_features(path, layer="other")


def test_file_without_crs_needs_one(tmp_path):
    path = tmp_path / "nocrs.shp"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        gpd.GeoDataFrame({"zone_code": ["A"], "geometry": [box(0, 0, 1, 1)]}).to_file(path)
    with pytest.raises(CRSError, match="has no CRS; give it with --crs"):
        read_features(path)
    assert read_features(path, crs="EPSG:32637").crs.to_epsg() == 32637


def test_geojson_without_crs_member_is_wgs84(tmp_path):
    # RFC 7946: GeoJSON coordinates are WGS 84 lon/lat unless stated otherwise.
    path = tmp_path / "plain.geojson"
    ring = [[39.1, 21.5], [39.2, 21.5], [39.2, 21.6], [39.1, 21.5]]
    feature = {
        "type": "Feature",
        "properties": {"zone_code": "A"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert read_features(path).crs.to_epsg() == 4326


def test_crs_given_must_agree_with_file(tmp_path):
    path = write_layer(zone_layer(), tmp_path / "zones.gpkg")
    with pytest.raises(CRSMismatchError, match="says its CRS is EPSG:32637"):
        read_features(path, crs="EPSG:32638")


def _cad_drawing(path: Path, *, flag_closed: bool) -> Path:
    """A DXF as CAD software draws zones: one polyline per zone on a layer named by its code."""
    doc = ezdxf.new()
    for code, geom in zip(zone_layer()["zone_code"], zone_layer().geometry, strict=True):
        points = list(geom.exterior.coords)
        if flag_closed:
            doc.modelspace().add_lwpolyline(points[:-1], close=True, dxfattribs={"layer": code})
        else:
            doc.modelspace().add_lwpolyline(points, dxfattribs={"layer": code})
    doc.saveas(path)
    return path


@pytest.mark.parametrize("flag_closed", [True, False])
def test_dxf_closed_polylines_read_as_polygons(tmp_path, flag_closed):
    path = _cad_drawing(tmp_path / "zones.dxf", flag_closed=flag_closed)
    frame = read_features(path, crs="EPSG:32637")
    assert set(frame.geometry.geom_type) == {"Polygon"}
    assert sorted(frame["Layer"]) == ["COM", "PARK", "RES"]
    assert frame.geometry.area.sum() == pytest.approx(zone_layer().area.sum())


def test_empty_layer_refused(tmp_path: Path):
    path = tmp_path / "empty.gpkg"
    zone_layer().iloc[:0].to_file(path, layer="zones")
    with pytest.raises(VectorReadError, match="has no features"):
        read_features(path)
