"""Streets printed across a pattern sheet's districts, found and filled before texture analysis.

A street is drawn as a white corridor between two thin casing lines, across whatever pattern
its district has. In a window of sparse hatching the casings add lines of another direction
and density: on West Hartford's sheet the sparse AA hatch read as the cross-hatched A, the
denser B or plain paper wherever a subdivision's streets crossed it. A corridor is told from
the gap between two hatch lines by what lies beyond its casings: a hatch repeats (another
line within a corridor's width beyond, running along it), a street does not. The hatch of the
district a street crosses meets its casings at an angle; only a line that runs along the
corridor, like its casing, is a repeat. Casings and corridors found are filled with the mean
ink of the pixels around them, so that a window sees its district's pattern at its own
density.
"""

from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from gis.components import long_parts

F32 = npt.NDArray[np.float32]

_PAPER: Final = 0.4  # ink share under which a pixel is paper
_HALF_WIDTH: Final = (1.5, 5.0)  # half-width of a street's corridor, pixels
_CASING: Final = 0.5  # ink share of a casing line next to the corridor
_BEYOND: Final = 0.3  # ink share of a line beyond a casing, however faint: a hatch, not a street
_MARGIN: Final = 2.5  # pixels beyond the corridor's half-width that the casing takes
_BEYOND_FROM: Final = 3.0  # pixels past the half-width where what lies beyond the casing starts
_FILL_SIGMA: Final = 8.0  # Gaussian sigma (pixels) of the local mean ink a street is filled with
_GRADIENT_SIGMA: Final = 1.5  # Gaussian sigma (pixels) of the gradient giving a corridor its axis
_TENSOR_SIGMA: Final = 3.0  # Gaussian sigma (pixels) the gradient products are averaged over
_CASING_ALONG: Final = 4.0  # pixels along the corridor either way where a casing runs on
_BEYOND_ALONG: Final = 5.0  # pixels along the corridor either way where a line beyond runs on

WIDEST_HALF: Final = _HALF_WIDTH[1] + _MARGIN
"""Half the width (pixels) of the widest street this module finds, casings included."""


def street_mask(ink: F32, min_length: int) -> npt.NDArray[np.bool_]:
    """Pixels of the streets' corridors and casings.

    A corridor's middle is a ridge of the distance from paper to the nearest ink, between
    `_HALF_WIDTH` pixels from both sides; it is a street's when the ink is a line along the
    corridor on both sides (the casings: not the dots of a screen) and no further line
    runs along it within one corridor width beyond either casing (a hatch line meeting the
    casing at an angle is the district's, not a repeat). The corridor's axis is read from
    the structure tensor of the ink around it: the nearest ink pixel of a narrow corridor
    gives its direction only to some 30 degrees. A street runs on: pieces shorter than
    `min_length` pixels (a gap in faded hatching, between dots of a screen) are dropped,
    and a corridor middle with its two casings is a street's where it carries on from one,
    even with a line beyond (a hatch line running close by).

    Examples
    --------
    >>> ink = np.zeros((40, 60), np.float32)
    >>> ink[:, ::12] = 1.0  # sparse vertical hatch
    >>> ink[18:25, :] = 0.0  # a street across it: corridor rows 19-23, casings 18 and 24
    >>> ink[18, :] = ink[24, :] = 1.0
    >>> mask = street_mask(ink, 20)
    >>> bool(mask[21, 30]), bool(mask[18, 30]), bool(mask[5, 30])
    (True, True, False)
    """
    paper = ink < _PAPER
    if not paper.any() or paper.all():
        return np.zeros(ink.shape, bool)
    distance, nearest = ndimage.distance_transform_edt(paper, return_indices=True)
    ridge = distance >= ndimage.maximum_filter(distance, size=3) - 0.01
    low, high = _HALF_WIDTH
    rows, cols = np.nonzero(paper & ridge & (distance >= low) & (distance <= high))
    half = distance[rows, cols].astype(np.float32)
    nearest_ink = np.stack([nearest[0][rows, cols] - rows, nearest[1][rows, cols] - cols])
    across = _across(ink, rows, cols, nearest_ink)
    cased = np.ones(len(rows), bool)
    clear = np.ones(len(rows), bool)
    for side in (1.0, -1.0):
        cased &= _casing(ink, rows, cols, side * across, half)
        clear &= _clear_beyond(ink, rows, cols, side * across, half)
    street = cased & clear
    found = long_parts(_widen(ink.shape, rows[street], cols[street], half[street]), min_length)
    on = _continuing(ink.shape, rows, cols, cased, street & found[rows, cols])
    return found | _widen(ink.shape, rows[on], cols[on], half[on])


def _continuing(
    shape: tuple[int, ...],
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    cased: npt.NDArray[np.bool_],
    found: npt.NDArray[np.bool_],
) -> npt.NDArray[np.bool_]:
    """Which cased corridor middles continue a street found (8-connected along the middles).

    Where a hatch line runs within a corridor's width of a street's casing, the street is
    not clear beyond it; it is still a street where its middle line carries on from a
    stretch that was.
    """
    middles = np.zeros(shape, bool)
    middles[rows[cased], cols[cased]] = True
    lines, _ = ndimage.label(middles, structure=np.ones((3, 3), bool))
    held = np.zeros(int(lines.max()) + 1, bool)
    held[lines[rows[found], cols[found]]] = True
    held[0] = False
    continuing: npt.NDArray[np.bool_] = cased & held[lines[rows, cols]]
    return continuing


def fill_streets(ink: F32, mask: npt.NDArray[np.bool_]) -> F32:
    """Replace the `mask` pixels by the mean ink of the unmasked pixels around them."""
    if not mask.any():
        return ink
    keep = (~mask).astype(np.float32)
    mean = ndimage.gaussian_filter(ink * keep, _FILL_SIGMA)
    weight = ndimage.gaussian_filter(keep, _FILL_SIGMA)
    local = mean / np.maximum(weight, 1e-3)
    filled: F32 = np.where(mask, local, ink).astype(np.float32)
    return filled


def _across(
    ink: F32, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp], nearest: npt.NDArray[np.intp]
) -> F32:
    """(2, n) unit vectors across each corridor point, towards its `nearest` ink pixel.

    The direction is the ink gradient's dominant one (the structure tensor's), averaged
    over `_TENSOR_SIGMA`: across a corridor, both casings' gradients point that way.
    """
    gradient = [ndimage.gaussian_filter(ink, _GRADIENT_SIGMA, order=o) for o in ((1, 0), (0, 1))]
    dy, dx = gradient
    tensor = [
        ndimage.gaussian_filter(a * b, _TENSOR_SIGMA)[rows, cols]
        for a, b in ((dy, dy), (dx, dx), (dx, dy))
    ]
    yy, xx, xy = tensor
    theta = 0.5 * np.arctan2(2 * xy, xx - yy)
    across = np.stack([np.sin(theta), np.cos(theta)]).astype(np.float32)
    towards = np.sign((across * nearest).sum(axis=0))
    result: F32 = across * np.where(towards == 0, 1.0, towards).astype(np.float32)
    return result


def _sample(
    ink: F32,
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    across: F32,
    offset: F32,
    along: float = 0.0,
    outside: float | None = None,
) -> F32:
    """Ink at `offset` pixels across from the pixel `along` pixels along from each point.

    The point moved along is rounded to its pixel first, as a point of the corridor itself:
    rounding both moves at once would miss a one-pixel line at some angles. Points off the
    sheet read the nearest edge pixel, or `outside` when given.
    """
    height, width = ink.shape
    row = np.round(np.round(rows - across[1] * along) + across[0] * offset).astype(np.intp)
    col = np.round(np.round(cols + across[0] * along) + across[1] * offset).astype(np.intp)
    values: F32 = ink[np.clip(row, 0, height - 1), np.clip(col, 0, width - 1)]
    if outside is not None:
        off = (row < 0) | (row >= height) | (col < 0) | (col >= width)
        values = np.where(off, np.float32(outside), values)
    return values


def _casing(
    ink: F32, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp], across: F32, half: F32
) -> npt.NDArray[np.bool_]:
    """Whether a line bounds the corridor on this side and runs along it.

    The line lies at the corridor's half-width (or a pixel farther); it runs along when it
    is also found (from a pixel nearer to two farther) at `_CASING_ALONG` pixels along one
    way or the other: a dot of a screen is not a casing.
    """
    near = _sample(ink, rows, cols, across, half)
    far = _sample(ink, rows, cols, across, half + 1.0)
    runs = np.zeros(len(rows), int)
    for along in (-_CASING_ALONG, 0.0, _CASING_ALONG):
        edge = [_sample(ink, rows, cols, across, half + o, along) for o in (-1.0, 0.0, 1.0, 2.0)]
        runs += np.maximum.reduce(edge) > _CASING
    inked: npt.NDArray[np.bool_] = (np.maximum(near, far) > _CASING) & (runs >= 2)
    return inked


def _clear_beyond(
    ink: F32, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp], across: F32, half: F32
) -> npt.NDArray[np.bool_]:
    """Whether no further line runs along the corridor within one corridor width beyond.

    A line beyond at some distance is one found there (to a pixel) here and at
    `_BEYOND_ALONG` pixels along one way or the other; a hatch line meeting the casing at
    an angle is found here only. Off the sheet counts as ink: what lies there is unknown,
    and the sheet's edge must not make a hatch look clear.
    """
    steps = np.arange(_BEYOND_FROM, _BEYOND_FROM + 2 * _HALF_WIDTH[1] + 1.0)
    offsets = np.arange(steps[0], steps[-1] + 2.0)  # never nearer than _BEYOND_FROM: the casing
    found = np.zeros(len(rows), bool)
    inked = [
        np.stack(
            [_sample(ink, rows, cols, across, half + o, along, 1.0) > _BEYOND for o in offsets]
        )
        for along in (-_BEYOND_ALONG, 0.0, _BEYOND_ALONG)
    ]
    for index, step in enumerate(steps):  # offsets[index] == step
        within = step <= 2 * half + _BEYOND_FROM
        near = slice(max(index - 1, 0), index + 2)
        before, here, after = (ink_at[near].any(axis=0) for ink_at in inked)
        found |= within & here & (before | after)
    clear: npt.NDArray[np.bool_] = ~found
    return clear


def _widen(
    shape: tuple[int, ...],
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    half: F32,
) -> npt.NDArray[np.bool_]:
    """Pixels within each corridor middle's half-width plus `_MARGIN` of it."""
    middles = np.ones(shape, bool)
    middles[rows, cols] = False
    if middles.all():
        return np.zeros(shape, bool)
    halves = np.zeros(shape, np.float32)
    halves[rows, cols] = half
    distance, nearest = ndimage.distance_transform_edt(middles, return_indices=True)
    mask: npt.NDArray[np.bool_] = distance <= halves[nearest[0], nearest[1]] + _MARGIN
    return mask
