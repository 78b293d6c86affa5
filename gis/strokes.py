"""Printed strokes measured per pixel: how wide they are, and what is wider than a width.

The solid fill, bold hatching and dotted boundaries of a pattern sheet are all told from the
thin strokes of the other patterns by width, on the pixels printed at full ink.
"""

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage

F32 = npt.NDArray[np.float32]

INKED: Final = 0.5
"""Ink share of a pixel that counts as printed (however faint the toner: ink is measured
against the local ink tone)."""


def stroke_radius(patches: Sequence[F32]) -> float:
    """Radius (pixels) of the largest disc that fits in the ink of any of `patches`.

    For the other entries' samples: their widest stroke, or where thick lines cross, the
    crossing. Each patch is read as if bordered by paper, so a stroke cut by its edge is
    not taken for a wide one.
    """
    widest = 0.0
    for patch in patches:
        inked = np.pad(patch > INKED, 1)
        if inked.any():
            widest = max(widest, float(ndimage.distance_transform_edt(inked).max()))
    return widest


def stroke_half_width(patch: F32) -> float:
    """Measure the typical half-width (pixels) of a sample's printed strokes.

    The median of the ink's distance-to-paper ridge, so that the few crossings of a
    cross-hatch do not count; 0 when nothing printed at full ink.

    >>> lines = np.zeros((20, 40), np.float32)
    >>> lines[:, 2:7] = lines[:, 22:27] = 1.0
    >>> stroke_half_width(lines)
    3.0
    """
    inked = np.pad(patch > INKED, 1)
    if not inked.any():
        return 0.0
    distance = ndimage.distance_transform_edt(inked)
    ridge = inked & (distance >= ndimage.maximum_filter(distance, 3))
    return float(np.median(distance[ridge]))


def wider_than(ink: F32, radius: float) -> npt.NDArray[np.bool_]:
    """Keep the printed pixels of the strokes and areas wider than `2 * radius`.

    An opening by a disc of `radius`: the pixels within `radius` of a pixel that lies
    further than `radius` from paper.

    >>> ink = np.zeros((9, 20), np.float32)
    >>> ink[1:8, 1:8] = ink[4, 10:19] = 1.0  # a blob 7 px wide and a line 1 px wide
    >>> wider_than(ink, 2.0).sum(axis=0).tolist()[:10]
    [0, 3, 5, 7, 7, 7, 5, 3, 0, 0]
    """
    printed = ink > INKED
    cores = ndimage.distance_transform_edt(printed) > radius
    if not cores.any():
        return cores
    opened: npt.NDArray[np.bool_] = printed & (ndimage.distance_transform_edt(~cores) <= radius)
    return opened


def stroke_cores(ink: F32, radius: float) -> npt.NDArray[np.bool_]:
    """Find the printed pixels farther than `radius` from paper (or from the raster's edge).

    They are the cores of strokes wider than twice that: the thin lines of a pattern have
    none. An erosion by a disc, much cheaper than `wider_than`'s distance transforms where
    only the cores are wanted.

    >>> ink = np.zeros((9, 20), np.float32)
    >>> ink[1:8, 1:8] = ink[4, 10:19] = 1.0  # a blob 7 px wide and a line 1 px wide
    >>> stroke_cores(ink, 1.5).sum(axis=0).tolist()[:10]
    [0, 0, 5, 5, 5, 5, 5, 0, 0, 0]
    """
    side = int(radius)
    rows, cols = np.mgrid[-side : side + 1, -side : side + 1]
    disc = np.hypot(rows, cols) <= radius
    cores: npt.NDArray[np.bool_] = ndimage.binary_erosion(ink > INKED, structure=disc)
    return cores


def close_gaps(mask: npt.NDArray[np.bool_], radius: float) -> npt.NDArray[np.bool_]:
    """Close `mask` over gaps narrower than `2 * radius` (a closing by a disc).

    Nothing is eroded at the edge of the raster: a strip the sheet's edge cuts stays whole.

    >>> mask = np.zeros((5, 12), bool)
    >>> mask[:, :5] = mask[:, 7:] = True  # a gap 2 px wide
    >>> close_gaps(mask, 1.5).all()
    np.True_
    """
    if not mask.any():
        return mask
    grown = ndimage.distance_transform_edt(~mask) <= radius
    if grown.all():  # no paper left to erode from (scipy's transform needs some)
        return grown
    closed: npt.NDArray[np.bool_] = ndimage.distance_transform_edt(grown) > radius
    return closed
