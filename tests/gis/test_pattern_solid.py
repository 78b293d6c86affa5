"""Solid-filled districts found per pixel (issue 9: narrow solid strips read as a thick grid)."""

import numpy as np

from gis.pattern_solid import solid_class, solid_mask
from gis.strokes import stroke_radius


def _grid(shape: tuple[int, int], period: int, thickness: int) -> np.ndarray:
    ink = np.zeros(shape, np.float32)
    for start in range(0, max(shape), period):
        ink[start : start + thickness, :] = 1.0
        ink[:, start : start + thickness] = 1.0
    return ink


def test_solid_class_is_the_one_all_ink_entry():
    blank, grid, solid = np.zeros((20, 40), np.float32), _grid((20, 40), 12, 4), np.ones((20, 40))
    assert solid_class([[blank], [grid], [solid.astype(np.float32)]]) == 2
    assert solid_class([[blank], [grid]]) is None
    two = [[solid.astype(np.float32)], [solid.astype(np.float32)]]
    assert solid_class(two) is None
    faded = np.full((20, 40), 0.75, np.float32)  # printed everywhere, but lighter
    assert solid_class([[blank], [grid], [faded]]) == 2


def test_stroke_radius_is_the_largest_disc_in_the_ink():
    assert 1.0 <= stroke_radius([_grid((40, 40), 8, 1)]) <= 1.5  # 1 px lines
    lines = np.zeros((40, 40), np.float32)
    lines[::12] = lines[1::12] = lines[2::12] = lines[3::12] = lines[4::12] = 1.0
    assert 2.5 <= stroke_radius([lines, _grid((40, 40), 8, 1)]) <= 3.5  # 5 px lines
    assert 4.0 <= stroke_radius([_grid((40, 40), 12, 5)]) <= 4.5  # where 5 px lines cross


def test_a_strip_crossed_by_a_street_is_solid_and_a_thick_grid_is_not():
    ink = np.zeros((130, 220), np.float32)
    ink[8:120, 110:210] = _grid((112, 100), 16, 6)  # a thick grid: the Industrial-like texture
    ink[40:70, 5:95] = 1.0  # a solid strip 30 px wide ...
    ink[40:70, 48:51] = 0.0  # ... crossed by a white street 3 px wide
    ink[10:14, 10:14] = 1.0  # a boundary dot
    radius = stroke_radius([_grid((48, 48), 16, 6)]) + 1.0
    mask = solid_mask(ink, radius, min_area=200, gap=radius)
    assert mask[40:70, 8:92].mean() > 0.95  # the strip ...
    assert mask[44:66, 48:51].all()  # ... and the street across it
    assert not mask[:, 100:].any()  # no grid
    assert not mask[:30].any()  # no dot


def test_a_street_between_two_solid_strips_is_closed_over_and_a_wide_gap_is_not():
    ink = np.zeros((120, 200), np.float32)
    ink[10:30, 10:190] = ink[42:62, 10:190] = 1.0  # two strips, a 12 px street between them
    ink[92:112, 10:190] = 1.0  # a third, 30 px further on
    mask = solid_mask(ink, 4.0, min_area=200, gap=7.5)
    assert mask[30:42, 20:180].all()  # the street is the strips' district
    assert not mask[66:88].any()  # the wide gap is another district's
    assert mask[10:30, 14:186].all() and mask[92:112, 14:186].all()  # corners are rounded
