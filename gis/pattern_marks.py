"""Plain paper that carries the small marks of a key entry no district's texture matched."""

from typing import Final

import numpy as np
import numpy.typing as npt

from gis.components import label_spans
from gis.pattern_regions import filled_runs
from gis.strokes import INKED
from gis.types import LabelArray

F32 = npt.NDArray[np.float32]

_SMALLEST: Final = 3  # pixels: a mark shorter than this is a speck, not a mark
_OUTLIER: Final = 3.0  # an entry's samples carry this many times the marks of any other's
_LEAST: Final = 0.03  # share of a sample's area in small marks, at least, for a marked entry
_LEVEL: Final = 0.3  # share of the samples' marks a map window must carry to be the entry's
_RUN: Final = 1.5  # side (windows) of the run of marked paper an entry may take


def small_marks(ink: F32, longest: float) -> npt.NDArray[np.bool_]:
    """Find the printed pixels in marks (8-connected) from `_SMALLEST` to `longest` px long.

    Examples
    --------
    >>> ink = np.zeros((12, 30), np.float32)
    >>> ink[2:5, 2:5] = 1.0  # a dot three pixels across
    >>> ink[8, 2:28] = 1.0  # a line
    >>> marks = small_marks(ink, 7.5)
    >>> bool(marks[3, 3]), bool(marks[8, 10])
    (True, False)
    """
    marks, spans = label_spans(ink > INKED)
    small = (spans >= _SMALLEST) & (spans <= longest)
    small[0] = False
    result: npt.NDArray[np.bool_] = small[marks]
    return result


def marked_entry(patches: list[list[F32]], longest: float) -> tuple[int, float] | None:
    """Find the entry whose samples stand out by their small marks, and their share in them.

    The share is of the samples' area. Small marks run from `_SMALLEST` pixels to `longest`
    (the pattern period): dots, scallops, short dashes, but not hatch lines nor the crossings
    of a grid. None when no entry's share is at least `_LEAST` and `_OUTLIER` times every
    other's: a key whose entries all carry such marks (Bloomfield's R-10 and Industrial) has
    no marked entry.
    """
    shares = np.array(
        [np.mean([small_marks(p, longest).mean() for p in boxes]) for boxes in patches]
    )
    if len(shares) < 2:
        return None
    order = np.argsort(shares)[::-1]
    best, second = shares[order[0]], shares[order[1]]
    if best < _LEAST or best < _OUTLIER * second:
        return None
    return int(order[0]), float(best)


def give_marked_paper(
    coarse: LabelArray, share: F32, entry: int, level: float, blank: int, window: int
) -> LabelArray:
    """Give `entry` (a class value) the runs of plain-paper cells that carry its small marks.

    `share` is each cell's window share in small marks, `level` the entry's samples' share,
    `blank` the plain-paper class value and `window` the analysis window's side in cells.
    A marked cell counts where at least `_LEVEL` of the samples' share lies in its window
    (the map may print only some of the key's marks, as Section 15's scallops without their
    dots); a run must fill most of a square `_RUN` windows wide: a street name is a few
    marks in a row.

    Examples
    --------
    >>> coarse = np.ones((9, 9), np.uint8)
    >>> share = np.zeros((9, 9), np.float32)
    >>> share[:, :5] = 0.05  # marked paper on the left
    >>> share[0, 8] = 0.05  # and one marked cell alone
    >>> marked = give_marked_paper(coarse, share, 3, 0.1, 1, 2)
    >>> marked[4].tolist(), int(marked[0, 8])
    ([3, 3, 3, 3, 3, 1, 1, 1, 1], 1)
    """
    marked = (coarse == blank) & (share >= _LEVEL * level)
    result = coarse.copy()
    result[filled_runs(marked, _RUN, window)] = entry
    return result
