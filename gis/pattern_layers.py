"""Per-pixel layers of a pattern sheet: what an analysis window is too coarse to see.

The texture windows find districts at least a window and a half across. Some entries are
found pixel by pixel instead, and laid over the windows' classes: bold hatching and solid
fill (a block or a strip, often under a window), stipples smaller than a district, and the
paper that carries the small marks of an entry no district's texture matched.
"""

import numpy as np
import numpy.typing as npt

from gis.pattern_bold import bold_entries, bold_pixels
from gis.pattern_marks import marked_entry, small_marks
from gis.pattern_model import TextureModel
from gis.pattern_solid import solid_mask
from gis.pattern_stipple import stipple_entries, stipple_pixels
from gis.pattern_streets import WIDEST_HALF
from gis.strokes import stroke_radius
from gis.texture import F32, TextureScale, window_share
from gis.types import LabelArray


def bold_layer(
    ink: F32,
    patches: list[list[F32]],
    textured: list[int],
    window: int,
    solid: tuple[int, npt.NDArray[np.bool_]] | None,
) -> LabelArray | None:
    """Find the bold hatching: the class value of its bold entry per pixel (0 elsewhere).

    `textured` are the entries with strokes (neither solid nor plain paper); `solid` the
    solid entry's class value and fill pixels. None when no entry is bold
    (`gis.pattern_bold`).
    """
    bold, radius = bold_entries([patches[i] for i in textured])
    if not bold:
        return None
    entries = [textured[i] for i in bold]
    return bold_pixels(ink, patches, entries, radius, window, None if solid is None else solid[1])


def stipple_layer(
    ink: F32, patches: list[list[F32]], window: int, district: float
) -> LabelArray | None:
    """Find the stipples smaller than a district the windows find: their entry per pixel.

    0 elsewhere; None when no entry is printed as a stipple (`gis.pattern_stipple`).
    `district` is the area (pixels) of the smallest district the windows find.
    """
    entries = stipple_entries(patches)
    if not entries:
        return None
    return stipple_pixels(ink, patches, entries, window, district)


def solid_layer(
    ink: F32, patches: list[list[F32]], solid: int, scale: TextureScale
) -> tuple[int, npt.NDArray[np.bool_]]:
    """Return the solid entry's class value and the pixels of ink too wide for other patterns.

    `solid` is the solid entry's index. Too wide means a disc fits in it that is larger (by
    a pixel of print spread) than any that fits in the ink of the other entries' samples;
    areas under a square a quarter of an analysis window wide are left to the texture
    classes (boundary dots, a grid's crossings printed thick). Streets across and between
    solid strips are closed over.
    """
    others = [patch for index, boxes in enumerate(patches) if index != solid for patch in boxes]
    radius = stroke_radius(others) + 1.0
    area = (scale.window // 4) ** 2
    return solid + 1, solid_mask(ink, radius, area, max(radius, WIDEST_HALF))


def marked_paper_share(
    ink: F32, patches: list[list[F32]], model: TextureModel
) -> tuple[F32, int, float] | None:
    """Find the unlearned entry printed in small marks (`gis.pattern_marks`).

    Returns each cell's window share in small marks, the entry's class value and its
    samples' share; None when no entry stands out by its marks, or when the one that does
    holds districts the texture model learned from (the windows read those).
    """
    found = marked_entry(patches, model.scale.period)
    if found is None or model.blank is None or model.supported is None:
        return None
    entry, level = found
    if model.supported[entry]:
        return None
    return window_share(small_marks(ink, model.scale.period), model.scale), entry + 1, level


def overlay(labels: LabelArray, layer: LabelArray | None) -> LabelArray:
    """Give the map's pixels the class a per-pixel `layer` found there (0: none found)."""
    if layer is None:
        return labels
    overlaid: LabelArray = np.where((layer > 0) & (labels > 0), layer, labels).astype(np.uint8)
    return overlaid
