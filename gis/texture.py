"""Ink levels and pattern scale of black-and-white plan sheets (spectra: `texture_spectrum`)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage
from skimage.measure import block_reduce

from gis.types import RGBImage

F32 = npt.NDArray[np.float32]

_MIN_PERIOD: Final = 3.0


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
        Side of the square analysis window (about three periods), pixels.
    step
        Grid step of the cells features are kept at, pixels.
    """

    period: float
    window: int
    step: int


def window_share(mask: npt.NDArray[np.bool_], scale: TextureScale) -> F32:
    """Measure the (rows, cols) share of each cell's window that `mask` covers.

    The window is centred on the cell, or on the sheet's last pixel for a cell the sheet's
    edge cuts.
    """
    share = ndimage.uniform_filter(mask.astype(np.float32), scale.window)
    step = scale.step
    rows, cols = (np.minimum(np.arange(0, n, step) + step // 2, n - 1) for n in mask.shape)
    result: F32 = share[np.ix_(rows, cols)]
    return result


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


def upsample(
    cells: npt.NDArray[np.generic], step: int, shape: tuple[int, int]
) -> npt.NDArray[np.generic]:
    """Repeat each cell `step` times both ways, cropped to the pixel `shape`."""
    full = np.repeat(np.repeat(cells, step, axis=0), step, axis=1)
    return full[: shape[0], : shape[1]]


def reduce_blocks(
    raster: npt.NDArray[Any], step: int, how: Callable[..., Any], fill: float = 0
) -> npt.NDArray[Any]:
    """Reduce each `step` by `step` block with `how` (np.mean, np.max, np.any...).

    scikit-image's `block_reduce`; blocks the raster's edge cuts are filled out with `fill`.

    >>> reduce_blocks(np.arange(6).reshape(2, 3), 2, np.max).tolist()
    [[4, 5]]
    """
    reduced: npt.NDArray[Any] = block_reduce(  # type: ignore[no-untyped-call]
        raster, (step, step), how, cval=fill
    )
    return reduced
