"""Texture features of black-and-white plan sheets: ink, oriented gradient energy, spacing."""

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from gis.errors import ClassifyError
from gis.legend import Legend, PixelBox
from gis.types import RGBImage

F32 = npt.NDArray[np.float32]

FEATURE_NAMES: Final = (
    "ink",
    "energy",
    "cos2",
    "sin2",
    "cos4",
    "sin4",
    "coarse_ratio",
    "ink_spread",
)
"""Features per cell: ink density, log gradient energy, its orientation harmonics (hatch
direction in the 2nd, cross-hatch vs grid in the 4th), the share of energy left at a coarser
scale (line spacing) and the spread of ink at half the window (dots vs lines vs solid)."""

_EPS: Final = 0.02  # gradient energy floor: blank paper and solid ink have none
_MIN_PERIOD: Final = 3.0
_SAMPLE_TRIM: Final = 0.12  # share of a swatch's short side trimmed off for its frame line


@dataclass(frozen=True)
class InkLevels:
    """Grey levels of paper and of full ink on a sheet (0..255)."""

    paper: float
    black: float


@dataclass(frozen=True)
class TextureScale:
    """Scales the features are computed at, fitted to the patterns of the legend.

    Attributes
    ----------
    period
        Largest pattern period found in the samples, pixels.
    window
        Side of the averaging window (about three periods), pixels.
    step
        Grid step of the cells features are kept at, pixels.
    """

    period: float
    window: int
    step: int


def ink_levels(grey: F32) -> InkLevels:
    """Paper and ink grey levels from a (decimated) greyscale sheet.

    Examples
    --------
    >>> grey = np.full((10, 10), 230, np.float32)
    >>> grey[:, :3] = 40
    >>> levels = ink_levels(grey)
    >>> round(levels.paper), round(levels.black)
    (230, 40)
    """
    paper = float(np.percentile(grey, 90))
    black = float(np.percentile(grey, 1))
    return InkLevels(paper, min(black, paper - 32.0))


def to_grey(block: RGBImage) -> F32:
    """Mean of the three channels as float32 (colour casts and stains keep their lightness)."""
    grey: F32 = block.astype(np.float32).mean(axis=2, dtype=np.float32)
    return grey


def to_ink(grey: F32, levels: InkLevels, *, paper_window: int) -> F32:
    """Ink coverage 0..1 relative to the local paper tone (stains, uneven light, faint toner).

    The paper tone is the local bright level (a maximum over `paper_window` pixels on a
    coarse grid, then smoothed); where the neighbourhood is all ink it falls back to the
    sheet's paper level.
    """
    step = max(1, paper_window // 8)
    height, width = grey.shape
    coarse = _block_reduce(grey, step, np.max)
    local = ndimage.maximum_filter(coarse, size=9, mode="nearest")
    local = ndimage.uniform_filter(local, size=9, mode="nearest")
    floor = levels.black + 0.6 * (levels.paper - levels.black)
    local = np.where(local < floor, levels.paper, local)
    paper = ndimage.zoom(local, (height / local.shape[0], width / local.shape[1]), order=1)
    paper = paper[:height, :width]
    span = np.maximum(paper - levels.black, 16.0)
    ink: F32 = np.clip((paper - grey) / span, 0.0, 1.0).astype(np.float32)
    return ink


def fit_scale(ink_samples: list[F32]) -> TextureScale:
    """Fit the pattern period, window and grid step to the sample patches' ink.

    The period of a patch is four times the mean distance from its paper pixels to the
    nearest ink (exact for evenly spaced lines); solid and blank patches have none.

    Examples
    --------
    >>> hatch = np.zeros((40, 40), np.float32)
    >>> hatch[:, ::8] = 1.0
    >>> fit_scale([hatch]).period
    8.0
    """
    periods = []
    for ink in ink_samples:
        on = ink > 0.5
        if on.mean() < 0.02 or on.mean() > 0.85:
            continue
        distance = ndimage.distance_transform_edt(~on)
        periods.append(4.0 * float(distance[~on].mean()))
    period = max(max(periods, default=_MIN_PERIOD * 3), _MIN_PERIOD)
    window = int(np.clip(round(3 * period), 12, 96))
    step = max(2, window // 6)
    return TextureScale(round(period, 2), window, step)


def pixel_channels(ink: F32) -> list[F32]:
    """Per-pixel channels whose window means give the features (see `FEATURE_NAMES`).

    Notes
    -----
    Seven float32 rasters of the block's size: call it on windows of large sheets.
    """
    fine = ndimage.gaussian_filter(ink, 0.7)
    gx = ndimage.sobel(fine, axis=1)
    gy = ndimage.sobel(fine, axis=0)
    xx, yy, xy = gx * gx, gy * gy, gx * gy
    energy = xx + yy
    c2, s2 = xx - yy, 2.0 * xy
    safe = np.maximum(energy, 1e-6)
    c4 = (c2 * c2 - s2 * s2) / safe
    s4 = 2.0 * c2 * s2 / safe
    coarse = ndimage.gaussian_filter(ink, 2.0)
    cx, cy = ndimage.sobel(coarse, axis=1), ndimage.sobel(coarse, axis=0)
    return [ink, energy, c2, s2, c4, s4, cx * cx + cy * cy]


def block_means(channels: list[F32], step: int) -> list[F32]:
    """Mean of each channel over `step` x `step` cells (rows must start on a cell edge)."""
    return [_block_reduce(channel, step, np.mean) for channel in channels]


def cell_features(means: list[F32], scale: TextureScale) -> F32:
    """Average the cell means over the window and form the features.

    Parameters
    ----------
    means
        `block_means` of `pixel_channels` at ``scale.step``.

    Returns
    -------
    (rows, cols, len(FEATURE_NAMES)) float32 features, one per `scale.step` cell.
    """
    size = max(1, round(scale.window / scale.step))
    ink, energy, c2, s2, c4, s4, coarse = (
        ndimage.uniform_filter(m, size, mode="reflect") for m in means
    )
    half = max(1, size // 2)
    density = means[0]
    square = ndimage.uniform_filter(density * density, half, mode="reflect")
    spread = square - ndimage.uniform_filter(density, half, mode="reflect") ** 2
    total = energy + _EPS
    features = [
        np.sqrt(np.maximum(ink, 0)),
        np.log(total),
        c2 / total,
        s2 / total,
        c4 / total,
        s4 / total,
        coarse / total,
        np.sqrt(np.maximum(spread, 0)),
    ]
    return np.stack(features, axis=-1).astype(np.float32)


def sample_features(ink: F32, box: PixelBox, scale: TextureScale) -> F32:
    """Features of a sample box: its interior tiled (not mirrored) to fill the window.

    Tiling keeps the hatch direction and spacing of a small key swatch; the swatch's frame
    line is trimmed off first.
    """
    trim = int(_SAMPLE_TRIM * min(box.x1 - box.x0, box.y1 - box.y0)) + 1
    patch = ink[box.y0 + trim : box.y1 - trim, box.x0 + trim : box.x1 - trim]
    if patch.shape[0] < 3 or patch.shape[1] < 3:
        raise ClassifyError(f"sample box {box} is too small to learn a texture from")
    reps_y = -(-3 * scale.window // patch.shape[0]) + 1
    reps_x = -(-3 * scale.window // patch.shape[1]) + 1
    tiled = np.tile(patch, (reps_y, reps_x))
    features = cell_features(block_means(pixel_channels(tiled), scale.step), scale)
    margin = max(1, scale.window // scale.step)
    inner = features[margin:-margin, margin:-margin]
    result: F32 = inner.reshape(-1, features.shape[-1])
    return result


def sample_patches(ink: F32, legend: Legend) -> list[list[F32]]:
    """The ink of every sample box, per legend entry (checked against the sheet's size)."""
    height, width = ink.shape
    patches: list[list[F32]] = []
    for index, entry in enumerate(legend.entries):
        if not entry.samples:
            raise ClassifyError(
                f"zones[{index}] ({entry.code}): a pattern sheet needs samples for every entry"
            )
        boxes = []
        for box in entry.samples:
            if box.x1 > width or box.y1 > height:
                raise ClassifyError(
                    f"zones[{index}].samples: box {box} lies outside the {width} x {height} scan"
                )
            boxes.append(ink[box.y0 : box.y1, box.x0 : box.x1])
        patches.append(boxes)
    return patches


def _block_reduce(array: F32, step: int, how: object) -> F32:
    """Reduce `step` x `step` blocks (the last partial ones padded by edge values)."""
    if step == 1:
        return array
    height, width = array.shape
    rows, cols = -(-height // step), -(-width // step)
    padded = np.pad(array, ((0, rows * step - height), (0, cols * step - width)), mode="edge")
    blocks = padded.reshape(rows, step, cols, step)
    reduced: F32 = how(blocks, axis=(1, 3)).astype(np.float32)  # type: ignore[operator]
    return reduced
