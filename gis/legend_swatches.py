"""Find the swatch boxes of a sheet's printed key: aligned rectangles of one size.

A key swatch is a connected blob of ink whose bounding box is ringed by ink on all four
sides (an outlined box, hatched or plain, or a solid one). The key is the largest group of
such boxes of one size linked by alignment (a shared left or top edge) at a short distance;
same-sized boxes close to the group but off its lines join it too.
"""

from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from gis.ocr import otsu_threshold

MIN_SIDE: Final = 8
"""Shortest side of a swatch, pixels (smaller boxes are letters and specks)."""

MIN_SWATCHES: Final = 3
"""Fewest aligned swatches that make a key."""

_MAX_ASPECT: Final = 8.0  # longer over shorter side of a swatch
_RING: Final = 0.85  # share of each side of the box that its ink must cover
_SIZE_TOLERANCE: Final = 0.15  # relative difference of sides of one key's swatches
_ALIGN: Final = 0.25  # shared edge tolerance, share of the shorter side
_LINK: Final = 8.0  # aligned swatches this many long sides apart are one key
_NEAR: Final = 4.0  # off-line swatches this many long sides from the key join it


class Box(NamedTuple):
    """A box of pixels (x right, y down; end exclusive)."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        """Columns covered."""
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        """Rows covered."""
        return self.y1 - self.y0


def ink_mask(grey: npt.NDArray[np.uint8], *, faint: bool = False) -> npt.NDArray[np.bool_]:
    """Dark ink of a greyscale sheet: pixels at or below Otsu's threshold.

    With `faint`, the threshold is halfway between Otsu's and the paper (the median), so
    thin, blurred or faded lines count as ink too.

    Examples
    --------
    >>> grey = np.full((4, 4), 250, np.uint8)
    >>> grey[1, 1] = 10
    >>> int(ink_mask(grey).sum()), int(ink_mask(grey, faint=True).sum())
    (1, 1)
    """
    level = otsu_threshold(np.bincount(grey.ravel(), minlength=256))
    if faint:
        level = (level + int(np.median(grey))) // 2
    return np.asarray(grey <= level) if level < 255 else np.zeros(grey.shape, bool)


def find_swatches(ink: npt.NDArray[np.bool_]) -> list[Box]:
    """Boxes of the key's swatches in an ink mask, or an empty list when there is no key.

    Parameters
    ----------
    ink
        True where the sheet is inked (`ink_mask`).

    Returns
    -------
    list of Box
        The swatches' outer boxes, in no particular order.

    Examples
    --------
    >>> ink = np.zeros((300, 300), bool)
    >>> for top in (10, 40, 70):
    ...     ink[top : top + 15, 10:50] = True
    ...     ink[top + 2 : top + 13, 12:48] = False
    >>> sorted(find_swatches(ink))
    [Box(x0=10, y0=10, x1=50, y1=25), Box(x0=10, y0=40, x1=50, y1=55), \
Box(x0=10, y0=70, x1=50, y1=85)]
    """
    labels, _ = ndimage.label(ink)
    candidates = [
        Box(sl[1].start, sl[0].start, sl[1].stop, sl[0].stop)
        for index, sl in enumerate(ndimage.find_objects(labels), start=1)
        if sl is not None and _fits(sl, ink.shape) and _is_ringed(labels[sl] == index)
    ]
    return _key_group(candidates)


def _fits(window: tuple[slice, ...], shape: tuple[int, ...]) -> bool:
    """Tell whether a blob's box has a swatch's size and shape (checked before its pixels)."""
    height = int(window[0].stop) - int(window[0].start)
    width = int(window[1].stop) - int(window[1].start)
    short, long = min(height, width), max(height, width)
    return short >= MIN_SIDE and long <= _MAX_ASPECT * short and long <= max(shape) / 6


def _is_ringed(blob: npt.NDArray[np.bool_]) -> bool:
    short = min(blob.shape)
    band = max(2, round(0.12 * short))
    sides = (
        blob[:band].any(axis=0),
        blob[-band:].any(axis=0),
        blob[:, :band].any(axis=1),
        blob[:, -band:].any(axis=1),
    )
    return all(float(side.mean()) >= _RING for side in sides)


def _same_size(a: Box, b: Box) -> bool:
    return all(
        abs(p - q) <= _SIZE_TOLERANCE * max(p, q)
        for p, q in ((a.width, b.width), (a.height, b.height))
    )


def _distance(a: Box, b: Box) -> float:
    return float(np.hypot(a.x0 - b.x0, a.y0 - b.y0))


def _linked(a: Box, b: Box) -> bool:
    if not _same_size(a, b):
        return False
    tolerance = _ALIGN * min(a.width, a.height)
    aligned = abs(a.x0 - b.x0) <= tolerance or abs(a.y0 - b.y0) <= tolerance
    return aligned and _distance(a, b) <= _LINK * max(a.width, a.height)


def _key_group(candidates: list[Box]) -> list[Box]:
    """Keep the largest group of linked same-sized boxes and same-sized near neighbours."""
    count = len(candidates)
    links = np.zeros((count, count), bool)
    for i in range(count):
        for j in range(i + 1, count):
            links[i, j] = links[j, i] = _linked(candidates[i], candidates[j])
    groups = _components(links)
    best = max(groups, key=len, default=[])
    if len(best) < MIN_SWATCHES:
        return []
    members = [candidates[i] for i in best]
    reach = _NEAR * max(max(b.width, b.height) for b in members)
    extra = [
        box
        for i, box in enumerate(candidates)
        if i not in best
        and _same_size(box, members[0])
        and min(_distance(box, m) for m in members) <= reach
    ]
    return members + extra


def _components(links: npt.NDArray[np.bool_]) -> list[list[int]]:
    seen: set[int] = set()
    groups = []
    for start in range(len(links)):
        if start in seen:
            continue
        stack, group = [start], []
        seen.add(start)
        while stack:
            node = stack.pop()
            group.append(node)
            for other in np.flatnonzero(links[node]):
                if int(other) not in seen:
                    seen.add(int(other))
                    stack.append(int(other))
        groups.append(group)
    return groups
