import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely import box
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon

from gis.errors import InvalidGeometryError
from gis.repair import polygonal_part, repair_polygons

BOWTIE = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
SPIKE = Polygon([(0, 0), (4, 0), (4, 4), (2, 4), (2, 6), (2, 4), (0, 4)])


def test_repair_valid_polygon_unchanged():
    fixed, report = repair_polygons([box(0, 0, 1, 1)], ["a"])
    assert fixed[0].equals(MultiPolygon([box(0, 0, 1, 1)]))
    assert report.repaired == ()


def test_repair_bowtie_reports_feature():
    fixed, report = repair_polygons([box(0, 0, 1, 1), BOWTIE], ["a", "b"])
    assert report.repaired == ("b",)
    assert fixed[1].is_valid
    assert fixed[1].area == pytest.approx(2.0)


def test_repair_spike_drops_collapsed_part():
    fixed, report = repair_polygons([SPIKE], ["s"])
    assert report.repaired == ("s",)
    assert fixed[0].geom_type == "MultiPolygon"
    assert fixed[0].area == pytest.approx(16.0)


def test_reject_policy_refuses_invalid():
    with pytest.raises(InvalidGeometryError, match=r"feature b: invalid \(Self-intersection"):
        repair_polygons([box(0, 0, 1, 1), BOWTIE], ["a", "b"], policy="reject")


@pytest.mark.parametrize(
    ("geom", "reason"),
    [
        (None, "empty geometry"),
        (Polygon(), "empty geometry"),
        (Point(0, 0), "Point is not a polygon"),
        (LineString([(0, 0), (1, 1)]), "LineString is not a polygon"),
        (Polygon([(0, 0), (1, 1), (2, 2), (0, 0)]), "nothing polygonal is left"),
    ],
)
def test_unusable_geometry_names_feature(geom, reason):
    with pytest.raises(InvalidGeometryError, match=f"feature x7: .*{reason}"):
        repair_polygons([geom], ["x7"])


def test_many_problems_are_counted_not_all_listed():
    with pytest.raises(InvalidGeometryError, match=r"^25 feature\(s\).*and 15 more$"):
        repair_polygons([None] * 25, [str(i) for i in range(25)])


def test_z_coordinates_dropped_and_reported():
    poly_z = Polygon([(0, 0, 5), (1, 0, 5), (1, 1, 5), (0, 0, 5)])
    fixed, report = repair_polygons([poly_z], ["z"])
    assert not fixed[0].has_z
    assert report.dropped_z == ("z",)


def test_unknown_policy_lists_choices():
    with pytest.raises(ValueError, match="policy must be one of"):
        repair_polygons([box(0, 0, 1, 1)], ["a"], policy="fix")  # type: ignore[arg-type]


def test_polygonal_part_of_collection():
    mixed = GeometryCollection([box(0, 0, 1, 1), LineString([(0, 0), (3, 3)]), Point(5, 5)])
    assert polygonal_part(mixed).area == 1.0


coords = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(coords, coords), min_size=4, max_size=12))
def test_repair_always_returns_valid_or_raises(points):
    ring = Polygon(points)
    try:
        fixed, _ = repair_polygons([ring], ["h"])
    except InvalidGeometryError:
        return
    assert fixed[0].is_valid
    assert fixed[0].geom_type == "MultiPolygon"
    assert not fixed[0].is_empty
