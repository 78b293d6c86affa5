import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import box, voronoi_polygons
from shapely.geometry import MultiPoint

from gis.generalise import generalise_coverage


def test_one_shape_per_code_and_area_kept():
    squares = [box(x, 0, x + 10, 10) for x in range(0, 50, 10)]
    out = generalise_coverage(["A", "B", "A", "A", "B"], squares, tolerance=1.0)
    assert [code for code, _ in out] == ["A", "B"]
    assert sum(geom.area for _, geom in out) == 500


# Map coordinates to the millimetre: sub-normal floats are no coordinates anyone digitises.
millimetres = st.integers(0, 1_000_000).map(lambda mm: mm / 1000)


@settings(deadline=None, max_examples=25)
@given(st.lists(st.tuples(millimetres, millimetres), min_size=5, max_size=40, unique=True))
def test_generalised_coverage_stays_a_coverage(points):
    frame = box(0, 0, 1000, 1000)
    cells = [
        cell.intersection(frame)
        for cell in voronoi_polygons(MultiPoint(points), extend_to=frame).geoms
    ]
    codes = [f"Z{i % 4}" for i in range(len(cells))]
    out = generalise_coverage(codes, cells, tolerance=20.0)
    geoms = [geom for _, geom in out]
    assert all(geom.is_valid for geom in geoms)
    assert shapely.coverage_is_valid(geoms)
    assert abs(sum(g.area for g in geoms) - frame.area) / frame.area < 0.01


def test_overlapping_input_still_valid_output():
    out = generalise_coverage(["A", "B"], [box(0, 0, 10, 10), box(5, 0, 15, 10)], tolerance=1.0)
    assert all(geom.is_valid for _, geom in out)


def test_a_subnormal_coordinate_is_simplified_like_zero():
    # GEOS's simplifiers never returned on x = -5e-324; overlapping shapes are no coverage,
    # so they are simplified one by one.
    odd = shapely.Polygon([(0, 0), (28.0, 0), (28.0, 25.0), (-5e-324, 25.0)])
    out = generalise_coverage(["A", "B"], [odd, box(20, 0, 40, 25)], tolerance=0.5)
    assert [(code, round(geom.area, 6)) for code, geom in out] == [("A", 700.0), ("B", 500.0)]
