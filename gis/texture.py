"""Texture features of black-and-white plan sheets: ink, oriented gradient energy, spacing."""

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from gis.errors import ClassifyError
from gis.legend import PixelBox
from gis.types import RGBImage

F32 = npt.NDArray[np.float32]

FEATURE_NAMES: Final = (
    "ink",
    "energy",
    "line_0",
    "line_45",
    "line_90",
    "line_135",
    "coarse_ratio",
    "ink_spread",
)
"""Features per cell: ink density; log gradient energy; for lines at 0, 45, 90 and 135 degrees
(x right, y up) the share of the ink's variance that survives averaging along that direction
over about a pattern period (1 along hatch lines, near 0 across them and for dots); the share
of gradient energy left at a coarser scale (line spacing); the spread of ink at half the
window (uneven cover)."""

DIRECTIONS: Final = ((0, 1), (-1, 1), (1, 0), (1, 1))
"""(row, column) steps along 0, 45, 90 and 135 degrees (rows run down)."""

_EPS: Final = 0.02  # gradient energy floor: blank paper and solid ink have none
_VAR_EPS: Final = 0.005  # ink variance floor, likewise
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


def fit_scale(ink_samples: list[F32]) -> TextureScale:
    """Fit the pattern period, window and grid step to the sample patches' ink.

    The period of a patch is four times the mean distance from its paper pixels to the
    nearest ink: the spacing of evenly spaced thick lines, somewhat more for thin ones (a
    1-pixel line every 8 pixels gives 9.1, more in a patch whose edge falls between lines);
    solid and blank patches have none.

    Examples
    --------
    >>> hatch = np.zeros((40, 41), np.float32)
    >>> hatch[:, ::8] = 1.0
    >>> fit_scale([hatch]).period
    9.14
    """
    periods = []
    for ink in ink_samples:
        on = ink > 0.5
        if on.mean() < 0.02 or on.mean() > 0.85:
            continue
        distance = ndimage.distance_transform_edt(~on)
        periods.append(4.0 * float(distance[~on].mean()))
    period = max(float(np.median(periods)) if periods else 3 * _MIN_PERIOD, _MIN_PERIOD)
    window = int(np.clip(round(2.5 * period), 12, 96))
    step = max(2, window // 6)
    return TextureScale(round(period, 2), window, step)


def pixel_channels(ink: F32, scale: TextureScale) -> list[F32]:
    """Per-pixel channels whose window means give the features (see `FEATURE_NAMES`).

    Channels: ink, ink squared, the squares of the ink averaged along each of `DIRECTIONS`
    over `line_length` pixels, gradient energy, and gradient energy at a coarser scale.

    Notes
    -----
    Eight float32 rasters of the block's size: call it on windows of large sheets.
    """
    fine = ndimage.gaussian_filter(ink, 0.7)
    gx, gy = ndimage.sobel(fine, axis=1), ndimage.sobel(fine, axis=0)
    coarse = ndimage.gaussian_filter(ink, 2.0)
    cx, cy = ndimage.sobel(coarse, axis=1), ndimage.sobel(coarse, axis=0)
    length = line_length(scale)
    lines = [np.square(_line_mean(fine, length, step)) for step in DIRECTIONS]
    return [ink, ink * ink, *lines, gx * gx + gy * gy, cx * cx + cy * cy]


def line_length(scale: TextureScale) -> int:
    """Odd length (pixels) of the directional averages: about 1.5 pattern periods."""
    return int(np.clip(round(1.5 * scale.period), 5, 41)) // 2 * 2 + 1


def _line_mean(ink: F32, length: int, step: tuple[int, int]) -> F32:
    """Mean of `ink` over `length` pixels centred on each pixel along the direction `step`."""
    if step == (0, 1):
        return ndimage.uniform_filter1d(ink, length, axis=1, mode="nearest")
    if step == (1, 0):
        return ndimage.uniform_filter1d(ink, length, axis=0, mode="nearest")
    half = length // 2
    padded = np.pad(ink, half, mode="edge")
    height, width = ink.shape
    total = np.zeros_like(ink)
    for k in range(-half, half + 1):
        row, col = half + k * step[0], half + k * step[1]
        total += padded[row : row + height, col : col + width]
    result: F32 = (total / length).astype(np.float32)
    return result


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
    smoothed = [ndimage.uniform_filter(m, size, mode="reflect") for m in means]
    half = max(1, size // 2)
    density = means[0]
    square = ndimage.uniform_filter(density * density, half, mode="reflect")
    spread = square - ndimage.uniform_filter(density, half, mode="reflect") ** 2
    spread = np.sqrt(np.maximum(spread, 0))
    return _features(smoothed, spread).reshape(*density.shape, len(FEATURE_NAMES))


def sample_features(ink: F32, box: PixelBox, scale: TextureScale) -> F32:
    """Features of a sample box: the channels averaged over its interior and its quadrants.

    A key swatch is often smaller than the window; its mean channels estimate the same
    window means, without the seams that tiling or mirroring it would add. The swatch's
    frame line is trimmed off first. Returns (5, features): the whole box and its quadrants.
    """
    trim = int(_SAMPLE_TRIM * min(box.x1 - box.x0, box.y1 - box.y0)) + 1
    patch = ink[box.y0 + trim : box.y1 - trim, box.x0 + trim : box.x1 - trim]
    if patch.shape[0] < 4 or patch.shape[1] < 4:
        raise ClassifyError(f"sample box {box} is too small to learn a texture from")
    channels = [c[2:-2, 2:-2] for c in pixel_channels(patch, scale)]
    height, width = channels[0].shape
    rows = [slice(0, height // 2), slice(height // 2, None)]
    cols = [slice(0, width // 2), slice(width // 2, None)]
    parts = [(slice(None), slice(None))] + [(r, c) for r in rows for c in cols]
    vectors = []
    for part in parts:
        means = [np.full((1, 1), c[part].mean(), np.float32) for c in channels]
        cells = block_means([channels[0][part]], scale.step)[0]
        vectors.append(_features(means, float(cells.std())))
    return np.stack(vectors)


def _features(means: list[F32], spread: float | F32) -> F32:
    ink, square, line_0, line_45, line_90, line_135, energy, coarse = means
    total = energy + _EPS
    mean_square = ink * ink
    variance = np.maximum(square - mean_square, 0) + _VAR_EPS
    features = [
        np.sqrt(np.maximum(ink, 0)),
        np.log(total),
        *(
            np.maximum(line - mean_square, 0) / variance
            for line in (line_0, line_45, line_90, line_135)
        ),
        coarse / total,
        np.broadcast_to(np.asarray(spread, np.float32), ink.shape),
    ]
    return np.stack(features, axis=-1).astype(np.float32).reshape(-1)


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
