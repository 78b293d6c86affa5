import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import affinity, box
from shapely.geometry import MultiPolygon, Polygon

from plans.ozfs.fit import FIT_TOLERANCE_M, fit_rectangle

L_SHAPE = Polygon([(0, 0), (30, 0), (30, 10), (10, 10), (10, 30), (0, 30)])


def assert_inside(placement, area, width, depth):
    footprint = placement.footprint
    assert footprint.area == pytest.approx(width * depth)
    assert footprint.difference(area.buffer(FIT_TOLERANCE_M * 1.01)).area < 1e-9


@pytest.mark.parametrize(
    ("area", "width", "depth", "fits"),
    [
        (box(0, 0, 10, 30), 10, 30, True),  # exact fit counts
        (box(0, 0, 10, 30), 30, 10, True),  # turned
        (box(0, 0, 10, 30), 10.03, 30, False),  # 3 cm too wide: beyond the tolerance
        (box(0, 0, 10, 30), 10.015, 30, True),  # 1.5 cm too wide: within 2 x 1 cm
        (L_SHAPE, 10, 30, True),  # one arm of the L
        (L_SHAPE, 11, 11, False),  # the corner square is 10 x 10
        (L_SHAPE, 20, 20, False),  # area would allow it; the shape does not
        (affinity.rotate(box(0, 0, 8, 25), 33), 24.9, 7.9, True),  # turned lot
        (MultiPolygon([box(0, 0, 5, 5), box(10, 0, 20, 30)]), 9, 29, True),  # second part
        (
            Polygon([(0, 0), (20, 0), (20, 20), (0, 20)], [[(8, 8), (12, 8), (12, 12), (8, 12)]]),
            20,
            7.9,
            True,
        ),  # beside the hole
        (
            Polygon([(0, 0), (20, 0), (20, 20), (0, 20)], [[(8, 8), (12, 8), (12, 12), (8, 12)]]),
            10,
            10,
            False,
        ),  # a hole in the middle leaves 8 m strips
        (Polygon(), 1, 1, False),
    ],
)
def test_fit_table(area, width, depth, fits):
    placement = fit_rectangle(area, width, depth)
    assert (placement is not None) is fits
    if placement is not None:
        assert_inside(placement, area, width, depth)


def test_rejects_bad_sizes():
    with pytest.raises(ValueError, match="must be > 0"):
        fit_rectangle(box(0, 0, 1, 1), 0, 1)


@settings(max_examples=150, deadline=None)
@given(
    st.floats(5, 60), st.floats(5, 60), st.floats(0, 180), st.floats(0.2, 1.0), st.floats(0.2, 1.0)
)
def test_a_rectangle_always_fits_in_a_larger_turned_lot(lot_w, lot_d, angle, fw, fd):
    lot = affinity.rotate(box(0, 0, lot_w, lot_d), angle, origin=(0, 0))
    placement = fit_rectangle(lot, lot_w * fw, lot_d * fd)
    assert placement is not None
    assert_inside(placement, lot, lot_w * fw, lot_d * fd)


@settings(max_examples=150, deadline=None)
@given(st.floats(5, 60), st.floats(5, 60), st.floats(0, 180), st.floats(1.01, 2.0))
def test_a_rectangle_wider_than_the_lot_never_fits(lot_w, lot_d, angle, grow):
    lot = affinity.rotate(box(0, 0, lot_w, lot_d), angle, origin=(0, 0))
    side = min(lot_w, lot_d) * grow + 3 * FIT_TOLERANCE_M
    assert fit_rectangle(lot, side, side) is None


def test_placement_reports_rotation():
    lot = affinity.rotate(box(0, 0, 8, 25), 33, origin=(0, 0))
    placement = fit_rectangle(lot, 24, 7)
    assert math.isclose(placement.angle_deg % 90, 33 % 90, abs_tol=1e-6) or math.isclose(
        (placement.angle_deg + 90) % 90, 33, abs_tol=1e-6
    )
