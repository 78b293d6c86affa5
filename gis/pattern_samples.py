"""The legend's samples on a pattern sheet: their patches, the plain-paper entry, the windows.

A pattern sheet's textures are learned from its samples (key swatches, or patches of districts
on the map a planner adds); the analysis windows and cells are fitted to them.
"""

from typing import Final

import numpy as np

from gis.errors import ClassifyError
from gis.legend import Legend, PixelBox
from gis.pattern_solid import printed_shares
from gis.texture import F32, TextureScale, fit_scale
from gis.texture_spectrum import SpectrumGrid, make_grid

MAX_WINDOW: Final = 48
"""Largest analysis window side, pixels: a 64-pixel window would double the time."""

_SAMPLE_TRIM: Final = 0.12  # share of a swatch's short side trimmed off for its frame line
_BLANK_MARKS: Final = 0.01  # share of a sample's pixels printed under which it is paper
_STEP_RANGE: Final = (8, 16)  # cell side bounds, pixels


def sample_patches(ink: F32, legend: Legend) -> list[list[F32]]:
    """Cut each entry's sample boxes out of the sheet's `ink` (or any raster like it).

    Raises
    ------
    ClassifyError
        An entry without samples, or a box off the sheet or too small.
    """
    height, width = ink.shape
    patches: list[list[F32]] = []
    for index, entry in enumerate(legend.entries):
        if not entry.samples:
            raise ClassifyError(
                f"zones[{index}] ({entry.code}): a pattern sheet needs samples for every entry"
            )
        for box in entry.samples:
            if box.x1 > width or box.y1 > height:
                raise ClassifyError(
                    f"zones[{index}].samples: box {box} lies outside the {width} x {height} scan"
                )
        patches.append([_trimmed(ink, box) for box in entry.samples])
    return patches


def _trimmed(ink: F32, box: PixelBox) -> F32:
    """Cut a sample box's ink without its edge, where a key swatch has its frame line."""
    trim = int(_SAMPLE_TRIM * min(box.x1 - box.x0, box.y1 - box.y0)) + 1
    patch = ink[box.y0 + trim : box.y1 - trim, box.x0 + trim : box.x1 - trim]
    if patch.shape[0] < 4 or patch.shape[1] < 4:
        raise ClassifyError(f"sample box {box} is too small to learn a texture from")
    return patch


def blank_entry(patches: list[list[F32]]) -> int | None:
    """Find the plain-paper entry (class value): the one whose samples have no printed marks.

    The mean ink cannot tell faint sparse dots from stained paper; printed pixels can.
    None when every entry's samples have marks.
    """
    marks = printed_shares(patches)
    return int(np.argmin(marks)) + 1 if min(marks) < _BLANK_MARKS else None


def fit_grids(patches: list[list[F32]]) -> tuple[TextureScale, SpectrumGrid, SpectrumGrid]:
    """Fit the cells and windows to the samples and their pattern period.

    The seed window is the size of the smallest entry's samples (so every key swatch fills
    it, and map cells seen through it compare with the samples like for like); an entry's
    size is that of its largest sample, so that a small patch of a district on the map that
    a planner adds to an entry (repeated to the window's size) does not shrink the windows
    the whole sheet is read with. The map window is square, at least three pattern periods
    and the seed window's longer side, at most `MAX_WINDOW`. Cells are about the seed
    window's shorter side.
    """
    flat = [patch for boxes in patches for patch in boxes]
    period = fit_scale(flat).period
    rows = min(MAX_WINDOW, *(max(p.shape[0] for p in boxes) for boxes in patches)) // 2 * 2
    cols = min(MAX_WINDOW, *(max(p.shape[1] for p in boxes) for boxes in patches)) // 2 * 2
    step = int(np.clip(min(rows, cols), *_STEP_RANGE))
    side = int(np.clip(max(rows, cols, 3 * period), 16, MAX_WINDOW)) // 2 * 2
    scale = TextureScale(period, side, step)
    return scale, make_grid((rows, cols), step), make_grid((side, side), step)
