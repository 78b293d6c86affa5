"""The edge band read per pixel by the printed lines' directions (gis.pattern_band)."""

import numpy as np
import numpy.typing as npt

from gis.pattern_band import band_markers, line_energy
from gis.texture import TextureScale

SCALE = TextureScale(period=8.0, window=24, step=8)


def two_hatches() -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int16]]:
    """A single hatch (left) meeting a cross-hatch (right) at column 120, with no line
    between them, and flood markers that leave columns 72 to 168 undecided."""
    rows, cols = np.mgrid[:160, :240]
    ink = ((rows + cols) % 8 < 2).astype(np.float32)
    crossed = cols >= 120
    ink[crossed & ((rows - cols) % 8 < 2)] = 1.0
    markers = np.full(ink.shape, 2, np.int16)
    markers[:, 72:] = 0
    markers[:, 168:] = 3
    return ink, markers


def test_band_pixels_take_the_class_whose_lines_they_carry():
    ink, markers = two_hatches()
    window = 100  # both classes are candidates all across the band
    marked = band_markers(markers, line_energy(ink, 1.0, SCALE), window)
    band = markers == 0
    assert (marked[~band] == markers[~band]).all()  # decided pixels keep their class
    assert (marked[:, 72:116] == 2).mean() >= 0.9 and (marked[:, 120:168] == 3).mean() >= 0.9
    assert not (marked[:, :120] == 3).any() and not (marked[:, 120:] == 2).any()


def test_only_classes_marked_within_a_window_are_candidates():
    ink, markers = two_hatches()
    marked = band_markers(markers, line_energy(ink, 1.0, SCALE), SCALE.window)
    assert (marked[:, 100:140] == 0).all()  # both classes' markers lie 28 px away or more


def test_pixels_near_a_bold_line_are_left_to_the_flood():
    ink, markers = two_hatches()
    ink[:, 118:123] = 1.0  # a boundary line five pixels wide
    marked = band_markers(markers, line_energy(ink, 1.0, SCALE), SCALE.window)
    assert (marked[:, 116:125] == 0).all()


def test_a_band_without_models_is_left_undecided():
    ink = np.zeros((40, 40), np.float32)
    markers = np.zeros(ink.shape, np.int16)
    markers[:, :2] = 2  # too few marked pixels to model the class
    marked = band_markers(markers, line_energy(ink, 1.0, SCALE), SCALE.window)
    assert (marked[:, 2:] == 0).all()


def test_strips_give_the_whole_sheet_s_energies():
    ink = np.random.default_rng(4).random((103, 90)).astype(np.float32)  # rows not whole blocks
    whole = line_energy(ink, 1.0, SCALE, strip_rows=10_000)
    strips = line_energy(ink, 1.0, SCALE, strip_rows=16)
    assert np.array_equal(whole.values, strips.values) and np.array_equal(whole.wide, strips.wide)
