"""Districts hatched in bold strokes, found per pixel: they are often smaller than a window.

On West Hartford's sheet the Business 1 districts (bold diagonal bands) are a block or two,
40 to 120 pixels across, under the one and a half windows a district needs to survive the
window classification. Per pixel they are plain to see: strokes wider than those of any thin
pattern, running in the direction of their key sample's.
"""

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from gis.components import large_parts, long_parts
from gis.strokes import close_gaps, stroke_half_width, wider_than
from gis.texture import fit_scale
from gis.types import LabelArray

F32 = npt.NDArray[np.float32]

_GAP: Final = 1.0  # pixels by which the bold entries' stroke radii exceed every thin one's
_FAINT: Final = 1.0  # stroke radius under which a sample's strokes printed too faint to measure
_DIRECTIONS: Final = 4  # direction bins of a stroke's edges: 0, 45, 90 and 135 degrees


def bold_entries(patches: Sequence[Sequence[F32]]) -> tuple[list[int], float]:
    """Find the entries printed in bold strokes, and the stroke radius that tells them apart.

    `patches` are the samples of the entries printed in strokes (not solid, not plain
    paper). Their typical stroke radii (`stroke_half_width`; samples whose strokes printed
    too faint to measure are left out) are split at their widest gap; the entries above it
    are bold when the gap is at least `_GAP` pixels, and the radius returned is the gap's
    middle (the map's strokes print a little thinner or thicker than the key's). None are
    bold otherwise.

    Examples
    --------
    >>> thin, bold = np.zeros((20, 40), np.float32), np.zeros((20, 40), np.float32)
    >>> thin[:, ::8] = 1.0
    >>> bold[:, 2:9] = bold[:, 18:25] = 1.0
    >>> bold_entries([[thin], [bold]])
    ([1], 2.5)
    """
    radii = {
        i: float(np.mean([stroke_half_width(p) for p in boxes])) for i, boxes in enumerate(patches)
    }
    radii = {i: r for i, r in radii.items() if r >= _FAINT}
    ordered = sorted(radii.values())
    if len(ordered) < 2:
        return [], 0.0
    gaps = np.diff(ordered)
    split = int(np.argmax(gaps))
    if gaps[split] < _GAP:
        return [], 0.0
    thin = ordered[split]
    return sorted(i for i, r in radii.items() if r > thin), (thin + ordered[split + 1]) / 2


def bold_strokes(ink: F32, radius: float, min_length: int) -> npt.NDArray[np.bool_]:
    """Pixels of printed strokes wider than `2 * radius`, at least `min_length` long.

    An opening of the printed pixels by a disc of `radius` keeps the bold strokes; short
    blobs among them (boundary dots, bold lettering) are dropped.
    """
    strokes: npt.NDArray[np.bool_] = long_parts(wider_than(ink, radius), min_length)
    return strokes


def bold_pixels(
    ink: F32,
    patches: Sequence[Sequence[F32]],
    bold: Sequence[int],
    radius: float,
    window: int,
    solid: npt.NDArray[np.bool_] | None = None,
) -> LabelArray:
    """Give each pixel of bold hatching the class value of its bold entry (0 elsewhere).

    Bold strokes (`bold_strokes`, at least a third of a window long) closed over the gaps
    between them (up to the largest bold entry's pattern period) make patches; a patch
    under a square half a window wide is dropped. Each patch goes to the bold entry whose samples'
    strokes run most nearly in the same directions (`bold` are entry indices). A solid
    entry's fill (`solid`, its pixels) is no bold hatching.
    """
    strokes = bold_strokes(ink, radius, window // 3)
    if solid is not None:
        strokes &= ~solid
    result = np.zeros(ink.shape, np.uint8)
    if not strokes.any():
        return result
    period = max(fit_scale(list(patches[i])).period for i in bold)
    parts, kept = large_parts(close_gaps(strokes, period), (window // 2) ** 2)
    if not kept.any():
        return result
    found = _direction_shares(strokes, parts, len(kept) - 1)
    samples = [_sample_shares(patches[i], radius) for i in bold]
    mismatch = np.stack([np.abs(found - sample).sum(axis=1) for sample in samples], axis=1)
    values = np.array([i + 1 for i in bold], np.uint8)[np.argmin(mismatch, axis=1)]
    values[~kept] = 0
    result[:] = values[parts]
    return result


def _sample_shares(boxes: Sequence[F32], radius: float) -> F32:
    """(directions,) share of a bold entry's sample strokes' edges in each direction."""
    shares = [_direction_shares(strokes, strokes.astype(np.int32), 1)[1]
              for strokes in (bold_strokes(p, radius, 1) for p in boxes)]  # fmt: skip
    mean: F32 = np.mean(shares, axis=0).astype(np.float32)
    return mean


def _direction_shares(
    strokes: npt.NDArray[np.bool_], parts: npt.NDArray[np.integer], count: int
) -> F32:
    """(count + 1, directions) share of each part's stroke edges in each direction."""
    smooth = ndimage.gaussian_filter(strokes.astype(np.float32), 1.0)
    gy, gx = ndimage.sobel(smooth, 0), ndimage.sobel(smooth, 1)
    angle = np.mod(np.degrees(np.arctan2(gy, gx)) + 180 / _DIRECTIONS / 2, 180.0)
    direction = np.minimum((angle // (180 / _DIRECTIONS)).astype(np.int64), _DIRECTIONS - 1)
    where = parts > 0
    sums = np.bincount(
        parts[where].astype(np.int64) * _DIRECTIONS + direction[where],
        weights=np.hypot(gx, gy)[where],
        minlength=(count + 1) * _DIRECTIONS,
    ).reshape(count + 1, _DIRECTIONS)
    shares: F32 = (sums / np.maximum(sums.sum(axis=1, keepdims=True), 1e-9)).astype(np.float32)
    return shares
