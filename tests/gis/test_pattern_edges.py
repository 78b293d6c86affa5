"""Class edges moved onto printed lines: ridges and the edge flood (gis.pattern_edges)."""

import numpy as np

from gis.pattern_edges import boundary_ridges, flood, keep_solid_ink, refine_edges
from gis.texture import fit_scale


def test_flood_keeps_each_class_behind_the_boundary_line():
    ridge = np.zeros((12, 12), np.uint8)
    ridge[np.arange(12), 11 - np.arange(12)] = 90  # a diagonal boundary
    ridge[:2, :2] = 50  # class 6 is sure under its hatch lines
    markers = np.zeros((12, 12), np.int16)
    markers[:2, :2], markers[10:, 10:] = 6, 2
    flooded = flood(ridge, markers)
    above = np.add.outer(np.arange(12), np.arange(12)) < 11
    assert (flooded[above] == 6).all() and (flooded[~above & (ridge == 0)] == 2).all()


def test_a_named_strip_narrower_than_the_edge_band_keeps_its_class():
    # West Hartford's G district by Fern Street: a strip two cells wide that its letter
    # named. Every one of its cells is on an edge, so the band around the edges held none of
    # them and the flood gave the strip to its neighbour: the letter's cells stay markers.
    scale = fit_scale([np.tile(np.eye(8, dtype=np.float32), (3, 3))])
    step = scale.step
    coarse = np.ones((12, 12), np.uint8)
    coarse[:, 5:7] = 2
    sure = np.ones(coarse.shape, bool)
    ridge = np.zeros((12 * step, 12 * step), np.uint8)
    lost, _ = refine_edges(coarse, sure, ridge, scale)
    assert not (lost == 2).any()
    named = np.zeros(coarse.shape, bool)
    named[4:8, 5:7] = True
    kept, _ = refine_edges(coarse, sure, ridge, scale, named)
    assert (kept[4 * step : 8 * step, 5 * step : 7 * step] == 2).all()


def test_solid_class_keeps_only_its_ink_and_the_white_inside():
    labels = np.ones((20, 40), np.uint8)  # class 1: paper on the left
    labels[:, 16:] = 2  # the window gave the solid class 2 from column 16
    ink = np.zeros((20, 40), bool)
    ink[:, 20:] = True  # the fill starts at column 20
    ink[8:12, 28:32] = False  # a white label inside it
    ridge = np.zeros((20, 40), np.uint8)
    ridge[:, 20:22] = 80  # the fill's edge
    result = keep_solid_ink(labels, (2, ink), ridge)
    assert (result[:, :20] == 1).all() and (result[:, 20:] == 2).all()


def test_pattern_beside_a_fill_goes_back_to_its_class_across_its_hatch_lines():
    labels = np.ones((20, 40), np.uint8)
    labels[:, 10:] = 2  # the window gave the solid class 2 a band of hatching beside the fill
    ink = np.zeros((20, 40), bool)
    ink[:, 30:] = True  # the fill
    ridge = np.zeros((20, 40), np.uint8)
    ridge[:, 11:30:4] = 60  # class 1's hatch lines run on into the band, up to the fill
    result = keep_solid_ink(labels, (2, ink), ridge)
    assert (result[:, :30] == 1).all() and (result[:, 30:] == 2).all()


def test_the_flood_crosses_long_streets_but_not_a_short_gap_in_a_boundary_line():
    ink = np.zeros((80, 120), np.float32)
    ink[20, :] = ink[27, :] = 1.0  # a street's casings, the whole width
    ink[50:54, :] = 1.0  # a boundary line ...
    streets = np.zeros(ink.shape, bool)
    streets[19:29, :] = True
    streets[48:56, 40:48] = True  # ... with a short piece taken for a street on it
    filled = np.where(streets, 0.1, ink).astype(np.float32)
    ridge = boundary_ridges(ink, filled, streets, 48, None, 1.0)
    assert ridge[18:30].max() < 10  # the street's casings are no ridge
    assert ridge[51:53, 40:48].min() > 100  # the boundary line stays whole
    extent = np.zeros(ink.shape, bool)
    extent[21:, :] = True  # the street is the map frame's double line
    framed = boundary_ridges(ink, filled, streets, 48, extent, 1.0)
    assert framed[20, 10:110].min() > 30 and framed[27, 10:110].min() > 30
