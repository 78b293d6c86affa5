"""Dotted district boundaries: chains of round dots, joined into lines the edge flood stops at."""

from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage
from scipy.spatial import cKDTree
from skimage.draw import line

from gis.strokes import wider_than

F32 = npt.NDArray[np.float32]

_ROUND: Final = 2.0  # longest over shortest side of a dot's box
_LINK: Final = 2.5  # longest link between two dots of a chain, in typical spacings
_CROWD: Final = 1.5  # a dot with a third neighbour this near (in nearest spacings) is a screen's


def dotted_lines(ink: F32, radius: float) -> npt.NDArray[np.bool_]:
    """Pixels of the lines joining the dots of dotted boundaries.

    Dots are what an opening by a disc of `radius` (wider than the thin strokes) leaves of
    the printed pixels in small round pieces; a dot is joined to its two nearest dots when
    they lie within `_LINK` typical spacings. Dots of a screen or grid (a third neighbour
    about as near as the nearest) are no boundary and are left out.
    """
    centres = _dot_centres(wider_than(ink, radius), radius)
    result = np.zeros(ink.shape, bool)
    if len(centres) < 4:
        return result
    distance, index = _neighbours(centres)
    spacing = float(np.median(distance[:, 1]))
    lined = distance[:, 3] > _CROWD * distance[:, 1]
    for dot in np.flatnonzero(lined):
        for near in (1, 2):
            other = int(index[dot, near])
            if distance[dot, near] <= _LINK * spacing and lined[other]:
                start, end = centres[dot].astype(int), centres[other].astype(int)
                rows, cols = line(start[0], start[1], end[0], end[1])  # type: ignore[no-untyped-call]
                result[rows, cols] = True
    return result


def _neighbours(
    centres: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp]]:
    """Distances to and indices of each dot's three nearest other dots (column 0: itself)."""
    distance, index = cKDTree(centres).query(centres, k=4)
    return np.asarray(distance, np.float64), np.asarray(index, np.intp)


def _dot_centres(opened: npt.NDArray[np.bool_], radius: float) -> npt.NDArray[np.float64]:
    """(n, 2) centres of the small round pieces of `opened`."""
    parts, count = ndimage.label(opened)
    if count == 0:
        return np.zeros((0, 2))
    boxes = ndimage.find_objects(parts)
    sizes = np.array([[b[0].stop - b[0].start, b[1].stop - b[1].start] for b in boxes])
    small = sizes.max(axis=1) <= 6 * radius
    round_ = sizes.max(axis=1) <= _ROUND * sizes.min(axis=1)
    keep = np.flatnonzero(small & round_) + 1
    if not len(keep):
        return np.zeros((0, 2))
    return np.array(ndimage.center_of_mass(opened, parts, keep))
