"""Stipples (fine scattered dots) found per pixel: small districts a window cannot see."""

import numpy as np
from scipy import ndimage

from gis.pattern_stipple import stipple_entries, stipple_pixels

WINDOW = 48
DISTRICT = 1.5 * WINDOW**2  # the smallest district the windows find, pixels


def _stipple(shape: tuple[int, int], density: float, seed: int) -> np.ndarray:
    """One-pixel dots at random, on even rows and columns only (none touch): `density` / 4."""
    rng = np.random.default_rng(seed)
    ink = np.zeros(shape, np.float32)
    rows = rng.integers(0, shape[0], int(density * shape[0] * shape[1]))
    cols = rng.integers(0, shape[1], len(rows))
    keep = (rows % 2 == 0) & (cols % 2 == 0)
    ink[rows[keep], cols[keep]] = 1.0
    return ink


def _hatch(shape: tuple[int, int], level: float = 1.0) -> np.ndarray:
    rows, cols = np.indices(shape)
    return np.where((rows + cols) % 10 == 0, level, 0.0).astype(np.float32)


def _faded_grid(shape: tuple[int, int]) -> np.ndarray:
    """A cross-hatch printed faint: only its crossings come out over half."""
    rows, cols = np.indices(shape)
    ne, nw = (rows + cols) % 8 == 0, (cols - rows) % 8 == 0
    ink = np.where(ne | nw, 0.4, 0.0).astype(np.float32)
    ink[ne & nw] = 0.9
    return ink


def test_stipple_entries_are_fine_dots_apart_not_a_faded_grid_nor_hatching():
    dots = _stipple((20, 70), 0.2, 1)
    assert stipple_entries([[_hatch((20, 70))], [dots], [_faded_grid((20, 70))]]) == [1]
    blank, solid = np.zeros((20, 70), np.float32), np.ones((20, 70), np.float32)
    assert stipple_entries([[blank], [solid]]) == []


def _sheet() -> tuple[np.ndarray, dict[str, tuple[slice, slice]]]:
    """Hatching with a solid fill holding a small stipple, a large stipple and a faded grid."""
    ink = _hatch((300, 420))
    places = {
        "fill": (slice(20, 120), slice(20, 140)),
        "small": (slice(50, 85), slice(50, 100)),
        "large": (slice(160, 280), slice(20, 160)),
        "grid": (slice(180, 220), slice(260, 310)),
    }
    ink[places["fill"]] = 1.0
    ink[places["small"]] = _stipple((35, 50), 0.2, 2)
    ink[places["large"]] = _stipple((120, 140), 0.2, 3)
    ink[places["grid"]] = _faded_grid((40, 50))
    return ink, places


def test_a_small_stipple_is_found_in_a_fill_but_not_a_large_one_nor_a_faded_grid():
    ink, places = _sheet()
    patches = [[_hatch((20, 70))], [_stipple((20, 70), 0.2, 4)]]
    found = stipple_pixels(ink, patches, [1], WINDOW, DISTRICT)
    assert set(np.unique(found).tolist()) <= {0, 2}
    assert np.mean(found[places["small"]] == 2) > 0.6
    assert not found[places["large"]].any()  # a window and a half or more: the windows' own
    assert not found[places["grid"]].any()
    fill = np.zeros(ink.shape, bool)
    fill[places["fill"]] = True
    fill[places["small"]] = False
    assert not found[fill].any()
    hatch = np.ones(ink.shape, bool)
    for box in places.values():
        hatch[box] = False
    assert not found[hatch].any()


def test_a_stipple_a_third_as_dense_as_its_key_is_mostly_not_found():
    ink, places = _sheet()
    ink[places["small"]] = _stipple((35, 50), 0.06, 5)
    patches = [[_hatch((20, 70))], [_stipple((20, 70), 0.2, 4)]]
    found = stipple_pixels(ink, patches, [1], WINDOW, DISTRICT)[places["small"]]
    assert np.mean(found > 0) < 0.25  # only where the dots happen to crowd


def test_a_grey_stipple_in_a_fill_is_found_though_the_fills_soft_edge_touches_its_dots():
    ink = _hatch((200, 200))
    ink[40:140, 40:140] = 1.0  # a solid fill
    dots = _stipple((20, 26), 0.2, 2)
    grey = np.maximum(dots, 0.35 * (ndimage.maximum_filter(dots, 3) > 0))  # each dot's halo
    grey[:2], grey[-2:], grey[:, :2], grey[:, -2:] = 0.4, 0.4, 0.4, 0.4  # the fill's soft edge
    ink[80:100, 80:106] = np.maximum(grey, dots)
    patches = [[_hatch((20, 70))], [_stipple((20, 70), 0.2, 4)]]
    found = stipple_pixels(ink, patches, [1], WINDOW, DISTRICT)
    assert np.mean(found[82:98, 82:104] == 2) > 0.6
