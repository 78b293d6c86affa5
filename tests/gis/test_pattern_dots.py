import numpy as np

from gis.pattern_dots import dotted_lines


def _dot(ink: np.ndarray, row: int, col: int, radius: float = 3.0) -> None:
    rows, cols = np.mgrid[: ink.shape[0], : ink.shape[1]]
    ink[np.hypot(rows - row, cols - col) <= radius] = 1.0


def test_a_chain_of_dots_across_thin_hatch_becomes_a_line():
    rows, cols = np.mgrid[:120, :200]
    ink = ((rows + cols) % 10 < 2).astype(np.float32)  # thin hatch, 2 px lines
    for col in range(20, 190, 12):
        _dot(ink, 60, col)
    _dot(ink, 100, 100)  # a lone dot: no boundary
    lines = dotted_lines(ink, 1.5)
    assert lines[57:64, 26:176].any(axis=0).all()  # the gaps between the dots are joined
    assert not lines[:50].any() and not lines[70:].any()  # no hatch line, no lone dot


def test_a_dot_screen_is_no_boundary():
    ink = np.zeros((120, 160), np.float32)
    for row in range(10, 110, 10):
        for col in range(10, 150, 10):
            _dot(ink, row, col)
    assert not dotted_lines(ink, 1.5).any()
