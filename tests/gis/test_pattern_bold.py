import numpy as np

from gis.pattern_bold import bold_entries, bold_pixels
from gis.strokes import stroke_half_width


def _lines(shape: tuple[int, int], spacing: int, width: int, diagonal: bool) -> np.ndarray:
    rows, cols = np.mgrid[: shape[0], : shape[1]]
    offset = rows + cols if diagonal else cols
    return (offset % spacing < width).astype(np.float32)


def _grid(shape: tuple[int, int], spacing: int, width: int) -> np.ndarray:
    rows, cols = np.mgrid[: shape[0], : shape[1]]
    return ((rows % spacing < width) | (cols % spacing < width)).astype(np.float32)


def test_crossings_of_a_thin_cross_hatch_do_not_make_it_bold():
    cross = np.maximum(_lines((40, 60), 8, 2, True), _lines((40, 60), 8, 2, False))
    assert stroke_half_width(cross) == 1.0
    thin = _lines((40, 60), 10, 2, True)
    faint = thin * 0.4  # printed too faint to measure
    assert bold_entries([[cross], [thin], [faint]]) == ([], 0.0)


def test_bold_patches_are_found_per_pixel_and_told_apart_by_direction():
    thin = _lines((300, 400), 9, 2, True)
    ink = thin.copy()
    ink[40:110, 40:110] = _lines((70, 70), 12, 7, True)  # a bold diagonal block
    ink[150:230, 220:300] = _grid((80, 80), 14, 7)  # a bold grid block
    for row, col in [(260, 40), (260, 60), (260, 80)]:  # boundary dots
        ink[row - 4 : row + 4, col - 4 : col + 4] = 1.0
    patches = [
        [_lines((20, 70), 9, 2, True)],
        [_lines((20, 70), 12, 7, True)],
        [_grid((20, 70), 14, 7)],
    ]
    bold, radius = bold_entries(patches)
    assert bold == [1, 2] and 1.0 < radius < 3.5
    painted = bold_pixels(ink, patches, bold, radius, window=48)
    assert (painted[50:100, 50:100] == 2).mean() > 0.9  # the diagonal block: entry 1
    assert (painted[160:220, 230:290] == 3).mean() > 0.9  # the grid block: entry 2
    assert not painted[:30].any() and not painted[240:].any()  # thin hatch, dots
