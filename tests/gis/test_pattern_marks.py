import numpy as np

from gis.pattern_marks import give_marked_paper, marked_entry, small_marks

PERIOD = 7.5


def _marks(shape: tuple[int, int], spacing: int, side: int = 3) -> np.ndarray:
    """Square marks `side` pixels wide every `spacing` pixels (dots, or scallops' bodies)."""
    ink = np.zeros(shape, np.float32)
    for top in range(1, shape[0] - side, spacing):
        for left in range(1, shape[1] - side, spacing):
            ink[top : top + side, left : left + side] = 1.0
    return ink


def _hatch(shape: tuple[int, int], spacing: int) -> np.ndarray:
    rows, cols = np.mgrid[: shape[0], : shape[1]]
    return ((rows + cols) % spacing < 2).astype(np.float32)


def test_small_marks_are_dots_and_short_arcs_not_lines_nor_specks():
    ink = np.zeros((40, 60), np.float32)
    ink[2:6, 2:8] = 1.0  # a mark 6 px long
    ink[10, 10] = 1.0  # a speck
    ink[20, 2:50] = 1.0  # a line
    ink[30:32, 20:29] = 1.0  # a dash longer than the period
    marks = small_marks(ink, PERIOD)
    assert marks[3, 4] and not marks[10, 10] and not marks[20, 20] and not marks[30, 24]


def test_the_entry_whose_samples_alone_carry_small_marks_is_found():
    swatch = (20, 70)
    hatch, cross = _hatch(swatch, 8), np.maximum(_hatch(swatch, 8), _hatch(swatch, 8)[:, ::-1])
    marked = _marks(swatch, 6)  # scallops or dots on paper
    patches = [[np.zeros(swatch, np.float32)], [hatch], [cross], [marked]]
    found = marked_entry(patches, PERIOD)
    assert found is not None and found[0] == 3 and found[1] > 0.1
    # Two entries printed in small marks (Bloomfield's R-10 and Industrial): neither stands out.
    assert marked_entry([*patches, [_marks(swatch, 5)]], PERIOD) is None
    assert marked_entry(patches[:3], PERIOD) is None  # no entry has small marks


def test_runs_of_marked_paper_are_given_to_the_entry_and_nothing_else_is():
    coarse = np.ones((20, 20), np.uint8)  # 1: plain paper
    coarse[:, 12:] = 2  # a hatched class on the right
    share = np.zeros((20, 20), np.float32)
    share[2:12, 2:12] = 0.04  # marked paper: 0.4 of the samples' 0.1
    share[15:17, 2:4] = 0.04  # a few marks (a name) on paper: no run
    share[:, 14:] = 0.04  # marks over the hatched class: the windows read that
    share[2:12, 10:12] = 0.02  # thinner marks: under 0.3 of the samples'
    marked = give_marked_paper(coarse, share, 5, 0.1, 1, 4)
    assert (marked[3:11, 3:9] == 5).all()
    assert (marked[15:17, 2:4] == 1).all() and (marked[:, 12:] == 2).all()
    assert (marked[2:12, 10:12] == 1).all()
