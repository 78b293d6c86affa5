import pytest
from shapely import box
from shapely.geometry import Polygon

from plans.edges import frontage_m, type_edges

PARCEL = box(0, 0, 30, 40)
SOUTH_ROAD = box(-50, -12, 80, 0)  # 12 m wide
EAST_ROAD = box(30, -12, 50, 90)  # 20 m wide


def kinds(edges):
    # edges start at the south-west vertex, counter-clockwise: south, east, north, west
    return [edge.kind for edge in edges]


def test_inner_plot_front_side_rear():
    edges = type_edges(PARCEL, [SOUTH_ROAD])
    assert kinds(edges) == ["front", "side", "rear", "side"]
    assert edges[0].street_width_m == pytest.approx(12.0)
    assert frontage_m(edges) == pytest.approx(30.0)


def test_corner_plot_has_two_fronts_and_rears_facing_them():
    edges = type_edges(PARCEL, [SOUTH_ROAD, EAST_ROAD])
    assert kinds(edges) == ["front", "front", "rear", "rear"]
    assert edges[0].street_width_m == pytest.approx(12.0)
    assert edges[1].street_width_m == pytest.approx(20.0)
    assert frontage_m(edges) == pytest.approx(40.0)  # the longer street run


def test_plot_without_road_has_unknown_edges():
    edges = type_edges(PARCEL, [])
    assert kinds(edges) == ["unknown"] * 4
    assert frontage_m(edges) is None


def test_road_across_a_small_gap_is_still_front():
    edges = type_edges(PARCEL, [box(-50, -12.5, 80, -0.5)], road_gap_m=1.0)
    assert kinds(edges)[0] == "front"
    assert edges[0].street_width_m == pytest.approx(12.0)


def test_road_far_away_is_not_front():
    assert kinds(type_edges(PARCEL, [box(-50, -20, 80, -5)])) == ["unknown"] * 4


def test_road_touching_only_a_corner_is_not_front():
    edges = type_edges(PARCEL, [box(30, -12, 50, 0)])
    assert "front" not in kinds(edges)


def test_collinear_vertices_merged_and_order_independent_of_drawing():
    drawn = Polygon([(30, 40), (0, 40), (0, 0), (15, 0), (30, 0)])  # clockwise, extra vertex
    edges = type_edges(drawn, [SOUTH_ROAD])
    assert kinds(edges) == ["front", "side", "rear", "side"]
    assert edges[0].length_m == pytest.approx(30.0)


def test_street_width_on_slanted_plot():
    parcel = Polygon([(0, 0), (30, 0), (35, 40), (5, 40)])
    edges = type_edges(parcel, [SOUTH_ROAD])
    assert edges[0].kind == "front"
    assert edges[2].kind == "rear"
    assert edges[0].street_width_m == pytest.approx(12.0)


def test_a_town_wide_road_types_edges_as_its_local_piece_does():
    # One road polygon across the whole town (a plan's ROAD zone), with a street grid far away.
    town_road = SOUTH_ROAD.union(box(-20_000, -12, 20_000, 0)).union(
        box(5_000, -8_000, 5_012, 8_000)
    )
    edges = type_edges(PARCEL, [town_road, EAST_ROAD])
    local = type_edges(PARCEL, [SOUTH_ROAD, EAST_ROAD])
    assert kinds(edges) == kinds(local)
    assert [e.street_width_m for e in edges] == [e.street_width_m for e in local]


def test_a_corner_at_a_subnormal_coordinate_is_typed_like_zero():
    # GEOS's simplify never returned on x = -5e-324 (a property test drew it as a skew).
    parcel = Polygon([(0, 0), (28.0, 0), (28.0, 25.0), (-5e-324, 25.0)])
    edges = type_edges(parcel, [box(0, -12, 28, 0)])
    assert [edge.kind for edge in edges] == ["front", "side", "rear", "side"]
