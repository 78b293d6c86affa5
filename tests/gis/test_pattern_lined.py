import numpy as np

from gis.pattern_lined import (
    Lines,
    band_power,
    class_lines,
    unpaper_lined_cells,
    unpaper_lined_regions,
)
from gis.texture_spectrum import ORIENTATIONS, grid_spectra, make_grid


def _posteriors(classes: np.ndarray, count: int) -> np.ndarray:
    return np.eye(count, dtype=np.float32)[classes - 1]


def _hatch(spacing: int) -> np.ndarray:
    ink = np.zeros((96, 96), np.float32)
    rows, cols = np.mgrid[:96, :96]
    ink[(rows + cols) % spacing < 2] = 1.0  # lines at -45 degrees: the wave vector at 45
    return ink


def test_band_power_finds_the_direction_and_spacing_of_hatch_lines():
    grid = make_grid((48, 48), 16)
    power = band_power(grid_spectra(_hatch(12), grid), grid.bands)
    assert power.shape == (6, 6, ORIENTATIONS * grid.bands)
    orientation, band = np.divmod(power.argmax(axis=-1), grid.bands)
    assert (orientation == 1).all()
    denser = band_power(grid_spectra(_hatch(6), grid), grid.bands).argmax(axis=-1)
    assert (denser // grid.bands == 1).all() and (denser % grid.bands > band).all()
    blank = band_power(grid_spectra(np.zeros_like(_hatch(12)), grid), grid.bands)
    assert blank.max() < 1e-3 * power.max(axis=-1).min()


def test_hatched_classes_have_lines_and_solid_ink_and_paper_have_none():
    classes = np.array([[1] * 10, [2] * 10, [3] * 10])  # paper, hatch at 90 degrees, solid
    power = np.full((3, 10, ORIENTATIONS), 0.01, np.float32)
    power[0, ::4, 2] = 1.0  # paper with a few streets in the hatching's direction
    power[1, :, 2] = 8.0
    power[2, :, :] = 0.01  # as flat as plain paper
    lines = class_lines(power, _posteriors(classes, 3), blank=1)
    assert list(lines) == [2]
    assert lines[2].channel == 2 and lines[2].level == 8.0
    assert lines[2].cut == 1.0  # what the busiest tenth of paper cells show


def test_paper_carrying_a_neighbours_lines_takes_the_nearest_lined_class():
    coarse = np.ones((6, 12), np.uint8)  # paper ...
    coarse[:, :4] = 2  # ... between sparse hatching on the left
    coarse[:, 8:] = 3  # and dense hatching of the same direction on the right
    power = np.zeros((6, 12, ORIENTATIONS), np.float32)
    power[:, 4:8, 1] = 3.0  # the paper region carries lines, at a sparse hatching's power
    lines = {2: Lines(1, 4.0, 1.0), 3: Lines(1, 12.0, 2.0)}
    result = unpaper_lined_regions(coarse, power, lines, blank=1)
    assert (result[:, 4:8] == 2).all()
    assert (result[:, :4] == 2).all() and (result[:, 8:] == 3).all()


def test_paper_without_lines_or_with_a_few_stays_paper():
    coarse = np.ones((6, 12), np.uint8)
    coarse[:, :4] = 2
    power = np.zeros((6, 12, ORIENTATIONS), np.float32)
    power[:2, 4:, 1] = 3.0  # a third of the paper's cells: a street in the hatch's direction
    lines = {2: Lines(1, 4.0, 1.0)}
    assert (unpaper_lined_regions(coarse, power, lines, blank=1) == coarse).all()
    power[..., 1] = 0.0
    power[..., 3] = 5.0  # lines, but not in the neighbour's direction
    assert (unpaper_lined_regions(coarse, power, lines, blank=1) == coarse).all()


def _paper_beside_hatching(width: int) -> tuple[np.ndarray, np.ndarray]:
    """Cells: a hatched class 2 on the left, paper (1) right of it; power at hatching level
    in a `width`-cell strip of the paper along the hatching."""
    coarse = np.ones((12, 16), np.uint8)
    coarse[:, :4] = 2
    power = np.zeros((12, 16, ORIENTATIONS), np.float32)
    power[:, 4 : 4 + width, 1] = 4.0
    return coarse, power


def test_lined_patch_of_a_large_paper_region_goes_to_the_class_it_touches():
    coarse, power = _paper_beside_hatching(4)  # a quarter of the region: not mostly lined
    lines = {2: Lines(1, 4.0, 1.0)}
    assert (unpaper_lined_regions(coarse, power, lines, blank=1) == coarse).all()
    result = unpaper_lined_cells(coarse, power, lines, blank=1, size=3)
    assert (result[:, :8] == 2).all() and (result[:, 8:] == 1).all()


def test_lined_streak_narrower_than_a_window_or_away_from_the_class_stays_paper():
    lines = {2: Lines(1, 4.0, 1.0)}
    coarse, power = _paper_beside_hatching(2)  # a street along the hatching
    assert (unpaper_lined_cells(coarse, power, lines, blank=1, size=3) == coarse).all()
    coarse, power = _paper_beside_hatching(0)
    power[:, 10:14, 1] = 4.0  # lined, but not touching the hatching
    assert (unpaper_lined_cells(coarse, power, lines, blank=1, size=3) == coarse).all()


def test_lined_patch_far_above_the_class_level_stays_paper():
    coarse, power = _paper_beside_hatching(4)
    power *= 20.0  # 80: as far above the level 4 as 0.2 is below it, past the cut of 1
    lines = {2: Lines(1, 4.0, 1.0)}
    assert (unpaper_lined_cells(coarse, power, lines, blank=1, size=3) == coarse).all()


def test_lined_patch_touching_two_classes_goes_to_the_nearer_level():
    coarse, power = _paper_beside_hatching(4)
    coarse[:, 12:] = 3  # a denser hatching of the same direction on the right
    lines = {2: Lines(1, 4.0, 1.0), 3: Lines(1, 12.0, 2.0)}
    power[:, 4:12, 1] = 5.0  # the whole paper strip, nearer the sparse hatching's level
    result = unpaper_lined_cells(coarse, power, lines, blank=1, size=3)
    assert (result[:, :12] == 2).all() and (result[:, 12:] == 3).all()
