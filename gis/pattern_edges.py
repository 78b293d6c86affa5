"""Class edges of a pattern sheet moved onto its printed lines: watershed floods on ridges."""

from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage
from skimage.segmentation import watershed

from gis.components import long_parts
from gis.pattern_band import LineEnergy, band_markers
from gis.pattern_dots import dotted_lines
from gis.texture import F32, TextureScale, upsample
from gis.types import LabelArray

_RIDGE_SIGMAS: Final = (1.0, 4.0)  # difference of Gaussians that makes printed lines ridges


def line_ridges(ink: F32) -> npt.NDArray[np.uint8]:
    """Make printed lines ridges: a difference of Gaussians of the ink, as 0..255."""
    line = ndimage.gaussian_filter(ink, _RIDGE_SIGMAS[0])
    line -= ndimage.gaussian_filter(ink, _RIDGE_SIGMAS[1])
    ridge: npt.NDArray[np.uint8] = np.clip(line * 255, 0, 255).astype(np.uint8)
    return ridge


def boundary_ridges(
    ink: F32,
    filled: F32,
    streets: npt.NDArray[np.bool_],
    length: int,
    extent: npt.NDArray[np.bool_] | None,
    stroke_half_width: float,
) -> npt.NDArray[np.uint8]:
    """Make the lines a district boundary may follow ridges for the edge flood.

    The printed lines (`line_ridges`) but for the casings of streets at least `length`
    pixels long: a district runs on across its streets, so they must not stop the flood
    (on West Hartford the AA hatching reaches past a road to the dotted boundary beyond
    it); their ridges are those of `filled`, the ink with the streets filled. A shorter
    piece of "street" can be the gap between a boundary line and a faded pattern, and the
    flood would leak through the hole it left; within half of `length` of the `extent`'s
    edge they stay too, as a map frame's double line looks like a street and the paper off
    the map would flood in. Dotted boundaries (`gis.pattern_dots`; dots are wider than the
    patterns' strokes, `stroke_half_width`) are joined into full-height ridges 3 pixels
    wide.
    """
    ridge = line_ridges(ink)
    long = long_parts(streets, length)
    if extent is not None:
        long &= ndimage.distance_transform_edt(extent) > length / 2
    ridge[long] = line_ridges(filled)[long]
    ridge[ndimage.binary_dilation(dotted_lines(ink, stroke_half_width + 0.5))] = 255
    return ridge


def refine_edges(
    coarse: LabelArray,
    sure: npt.NDArray[np.bool_],
    ridge: npt.NDArray[np.uint8],
    scale: TextureScale,
    fixed: npt.NDArray[np.bool_] | None = None,
    energy: LineEnergy | None = None,
) -> tuple[LabelArray, int]:
    """Move class edges onto printed lines: a watershed in a band around every edge.

    The band is half a window around each change of class, plus the cells not `sure`
    (windows that straddle two textures look like neither); off-map cells are always sure.
    `fixed` cells keep their class even on an edge. With the lines' `energy`, band pixels
    whose lines clearly name a nearby class are marked first (`gis.pattern_band`).
    """
    step = scale.step
    edges = np.zeros(coarse.shape, bool)
    edges[:-1] |= coarse[:-1] != coarse[1:]
    edges[1:] |= coarse[:-1] != coarse[1:]
    edges[:, :-1] |= coarse[:, :-1] != coarse[:, 1:]
    edges[:, 1:] |= coarse[:, :-1] != coarse[:, 1:]
    reach = max(1, round(scale.window / 2 / step))
    band = ndimage.binary_dilation(edges, iterations=reach) if edges.any() else edges
    band &= ~(sure & ~edges)  # a confident cell off an edge keeps its class
    if fixed is not None:
        band &= ~fixed
    markers = coarse.astype(np.int16) + 1  # 1 is off the map, so 0 can mean "unknown"
    markers[band] = 0
    full = upsample(markers, step, ridge.shape).astype(np.int16)
    refined = int(np.count_nonzero(full == 0))
    if energy is not None:
        full = band_markers(full, energy, scale.window)
    labels: LabelArray = (flood(ridge, full) - 1).astype(np.uint8)
    return labels, refined


def flood(ridge: npt.NDArray[np.uint8], markers: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
    """Give each unmarked (0) pixel the marker it reaches over the lowest highest ridge.

    Negative markers are walls: they neither spread nor are flooded, and are returned as
    they are; unmarked pixels no marker reaches stay 0.

    A watershed (scikit-image's). scipy's `watershed_ift` does not flood that way: a marker
    that sits on a line (a hatched district's) did not spread, and its neighbour crossed a
    heavy boundary line to take the paper next to it.

    Examples
    --------
    >>> ridge = np.zeros((3, 6), np.uint8)
    >>> ridge[:, 3] = 90
    >>> markers = np.zeros((3, 6), np.int16)
    >>> markers[:, 0], markers[:, 5] = 1, 2
    >>> flood(ridge, markers)[1].tolist()
    [1, 1, 1, 2, 2, 2]
    """
    unknown = markers == 0
    if not unknown.any():
        return markers.copy()
    reach = ndimage.binary_dilation(unknown) & (markers >= 0)  # unknown and around: 10x faster
    flooded = watershed(ridge, markers, mask=reach)  # type: ignore[no-untyped-call]
    result: npt.NDArray[np.int16] = np.where(reach, flooded, markers).astype(np.int16)
    return result


def keep_solid_ink(
    labels: LabelArray, solid: tuple[int, npt.NDArray[np.bool_]], ridge: npt.NDArray[np.uint8]
) -> LabelArray:
    """Give the solid entry exactly its ink and the white its ink encloses.

    `solid` is the class value and its pixel mask. The white enclosed (a label, a street)
    stays solid; the other pixels the window gave the solid class (paper or pattern beside
    a fill: a window over a fill's edge reads as fill) go to the class that reaches them
    over the lowest printed lines, without crossing the solid class: flooded from the fill
    too, a band of hatching beside it stayed solid wherever the hatch lines stood between
    it and its own class. Pixels no other class reaches stay solid.
    """
    value, mask = solid
    result = labels.copy()
    result[mask & (labels > 0)] = value
    loose = (result == value) & ~ndimage.binary_fill_holes(mask)
    if not loose.any():
        return result
    markers = np.where(result == value, -1, result.astype(np.int16) + 1).astype(np.int16)
    markers[loose] = 0
    flooded = flood(ridge, markers)
    flooded[flooded <= 0] = value + 1
    kept: LabelArray = (flooded - 1).astype(np.uint8)
    return kept
