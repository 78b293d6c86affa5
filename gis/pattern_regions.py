"""Region-level decisions on a classified cell grid: small regions join the likeliest neighbour."""

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from gis.components import FOUR
from gis.types import LabelArray

F32 = npt.NDArray[np.float32]


def filled_runs(mask: npt.NDArray[np.bool_], windows: float, window: int) -> npt.NDArray[np.bool_]:
    """Keep the cells of `mask` that lie in runs filling most of a square `windows` wide.

    `window` is the analysis window's side in cells; the square is at least 3 cells and odd,
    so it has a centre. A run of cells that wide is a district's texture, not a street or a
    name crossing it.

    Examples
    --------
    >>> mask = np.zeros((7, 9), bool)
    >>> mask[1:6, :5] = mask[0, 8] = True
    >>> runs = filled_runs(mask, 1.5, 2)
    >>> bool(runs[3, 2]), bool(runs[0, 8])
    (True, False)
    """
    side = max(3, round(windows * window)) | 1
    runs: npt.NDArray[np.bool_] = ndimage.uniform_filter(mask.astype(np.float32), side) > 0.5
    return runs & mask


def merge_small_regions(labels: LabelArray, posteriors: F32, min_cells: int) -> LabelArray:
    """Give every region under `min_cells` cells to the neighbouring class it most resembles.

    A region is a 4-connected run of one class; class 0 (off the map) never changes and
    never grows. The region takes, among the classes of the regions around it, the one with
    the largest posterior summed over its cells: the texture evidence of the whole region
    decides, not its size alone (which is all a sieve weighs). Smallest regions go first,
    so a speck inside a small region follows that region's fate.

    Examples
    --------
    >>> labels = np.array([[1, 1, 1, 2, 2], [1, 3, 1, 2, 2]], np.uint8)
    >>> posteriors = np.full((2, 5, 3), 1 / 3, np.float32)
    >>> posteriors[1, 1] = (0.2, 0.7, 0.1)
    >>> merge_small_regions(labels, posteriors, 2).tolist()
    [[1, 1, 1, 2, 2], [1, 1, 1, 2, 2]]
    """
    result = labels.copy()
    regions, sizes = class_regions(result)
    boxes = ndimage.find_objects(regions)
    for index in np.argsort(sizes, kind="stable"):
        if sizes[index] >= min_cells:
            break
        box = boxes[index]
        if box is not None:
            _merge(result, regions, int(index) + 1, box, posteriors)
    return result


def class_regions(labels: LabelArray) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """Regions of every class but 0, numbered from 1, and their sizes (index region - 1)."""
    regions = np.zeros(labels.shape, np.int32)
    count = 0
    for value in np.unique(labels[labels > 0]):
        found, number = ndimage.label(labels == value, structure=FOUR)
        regions[found > 0] = found[found > 0] + count
        count += int(number)
    sizes = np.bincount(regions.ravel(), minlength=count + 1)[1:]
    return regions, sizes


def _merge(
    labels: LabelArray,
    regions: npt.NDArray[np.int32],
    region: int,
    box: tuple[slice, slice],
    posteriors: F32,
) -> None:
    """Relabel one region, in place, to its likeliest neighbouring class."""
    grown, inside, candidates = region_neighbours(labels, regions, region, box)
    if not len(candidates):
        return
    evidence = posteriors[grown][inside].sum(axis=0)
    labels[grown][inside] = candidates[np.argmax(evidence[candidates - 1])]


def region_neighbours(
    labels: LabelArray, regions: npt.NDArray[np.int32], region: int, box: tuple[slice, ...]
) -> tuple[tuple[slice, ...], npt.NDArray[np.bool_], npt.NDArray[np.uint8]]:
    """Find the classes 4-connected around a region, with its box grown by a cell and cells.

    `regions` numbers the regions (`class_regions`), `box` is the region's; classes 0 (off
    the map) and the region's own are not neighbours.
    """
    grown = tuple(slice(max(0, s.start - 1), s.stop + 1) for s in box)
    inside = regions[grown] == region
    ring = ndimage.binary_dilation(inside, structure=FOUR) & ~inside
    current = labels[grown][inside][0]
    around = np.unique(labels[grown][ring])
    return grown, inside, around[(around > 0) & (around != current)]


def open_class(coarse: LabelArray, posteriors: F32, value: int, side: int) -> LabelArray:
    """Give runs of class `value` narrower than `side` cells to each cell's next likeliest class.

    A morphological opening of the class: what a `side` x `side` square cannot fit in goes,
    cell by cell, to the class with the largest posterior after `value`'s.

    Examples
    --------
    >>> coarse = np.array([[2, 1, 3, 3], [2, 1, 3, 3]], np.uint8)
    >>> posteriors = np.full((2, 4, 3), 0.1, np.float32)
    >>> posteriors[:, :2, 1] = 0.3
    >>> open_class(coarse, posteriors, 1, 3).tolist()
    [[2, 2, 3, 3], [2, 2, 3, 3]]
    """
    runs = coarse == value
    thin = runs & ~ndimage.binary_opening(runs, structure=np.ones((side, side), bool))
    if not thin.any():
        return coarse
    others = posteriors.copy()
    others[..., value - 1] = -1.0
    result = coarse.copy()
    result[thin] = (others.argmax(axis=-1) + 1)[thin]
    return result
