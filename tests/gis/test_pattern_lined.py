import numpy as np

from gis.pattern_lined import Lines, class_lines, orientation_power, unpaper_lined_regions
from gis.texture_spectrum import ORIENTATIONS, grid_spectra, make_grid


def _posteriors(classes: np.ndarray, count: int) -> np.ndarray:
    return np.eye(count, dtype=np.float32)[classes - 1]


def test_orientation_power_finds_the_direction_of_hatch_lines():
    ink = np.zeros((96, 96), np.float32)
    rows, cols = np.mgrid[:96, :96]
    ink[(rows + cols) % 12 < 2] = 1.0  # lines at -45 degrees: the wave vector at 45
    grid = make_grid((48, 48), 16)
    power = orientation_power(grid_spectra(ink, grid), grid.bands)
    assert power.shape == (6, 6, ORIENTATIONS)
    assert (power.argmax(axis=-1) == 1).all()
    blank = orientation_power(grid_spectra(np.zeros_like(ink), grid), grid.bands)
    assert blank.max() < 1e-3 * power[..., 1].min()


def test_hatched_classes_have_lines_and_solid_ink_and_paper_have_none():
    classes = np.array([[1] * 10, [2] * 10, [3] * 10])  # paper, hatch at 90 degrees, solid
    power = np.full((3, 10, ORIENTATIONS), 0.01, np.float32)
    power[0, ::4, 2] = 1.0  # paper with a few streets in the hatching's direction
    power[1, :, 2] = 8.0
    power[2, :, :] = 0.01  # as flat as plain paper
    lines = class_lines(power, _posteriors(classes, 3), blank=1)
    assert list(lines) == [2]
    assert lines[2].orientation == 2 and lines[2].level == 8.0
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
