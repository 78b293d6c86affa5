"""The band around a pattern sheet's class edges read pixel by pixel, by the lines' directions.

A window classifies a district's inside well, but it straddles two districts along their
edge, so the edge is placed by a flood on the printed lines (`gis.pattern_edges`). Where no
line marks the edge (the hatch just changes, or the boundary's dots are faint) the flood
stops at whatever line it meets first: on West Hartford a street or a hatch line half a
window off. Nearer the pixel, the patterns still differ: a hatch holds lines of one or two
directions at its own density. The energy of the printed lines in each direction, averaged
over about a pattern period, is modelled per class on the sheet's own confident pixels
(a Gaussian each); band pixels whose model is clearly likelier than every other nearby
class's become markers of the flood, which decides the rest.
"""

from dataclasses import dataclass
from math import ceil
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage
from skimage.morphology import disk

from gis.strokes import stroke_cores
from gis.texture import F32, TextureScale, reduce_blocks, upsample

DIRECTIONS: Final = 8
"""Directions of the line energies, evenly over 180 degrees."""
MARGIN: Final = 5.0
"""Least log-likelihood lead of a band pixel's likeliest class over the next to mark it."""
TYPICAL: Final = 21.67
"""Largest squared Mahalanobis distance from its class's model of a pixel it marks: the
chi-squared 0.99 quantile for the DIRECTIONS + 1 features (a thick line fits no class)."""

STRIP_ROWS: Final = 512
"""Rows of the sheet whose line energies are measured at once."""

_FLOOR: Final = 1e-3  # added to the energies before their logarithm
_RIDGE: Final = 0.05  # added to each covariance's diagonal (log-energy units squared)
_TRAIN: Final = 30_000  # most pixels a class's model is fitted on
_LEAST: Final = 50  # fewest pixels a class's model is fitted on


@dataclass(frozen=True)
class LineEnergy:
    """Log line energies per direction and log ink density, on a grid of `step` pixels.

    Attributes
    ----------
    values
        (rows, cols, DIRECTIONS + 1) float16 (half the memory; ample for log energies).
    step
        Pixels per grid cell (the grid samples the sheet's pixel grid from its origin).
    period
        The pattern period (pixels) the energies were smoothed over.
    wide
        (rows, cols) cells within half a period of a stroke wider than the patterns' lines
        (a boundary or frame line, a dot, a letter): their energy speaks of that stroke.
    """

    values: npt.NDArray[np.float16]
    step: int
    period: float
    wide: npt.NDArray[np.bool_]


def line_energy(
    ink: F32, line_sigma: float, scale: TextureScale, *, strip_rows: int = STRIP_ROWS
) -> LineEnergy:
    """Measure the printed lines' energy in each direction, around every few pixels.

    A line of width about ``2 * line_sigma`` answers the second derivative across it
    (a Gaussian's Hessian, steered to each direction). The answers are averaged over
    blocks of a third of a pattern period, then smoothed over about a period. The sheet is
    read in strips of about `strip_rows` rows (the answers are the same; only a strip's
    Hessian is held at a time).
    """
    step = max(1, int(scale.period // 3))
    ink = _whole_blocks(ink, step)
    rows = max(step, strip_rows // step * step)
    margin = step * ceil((4 * line_sigma + 1) / step)  # the Hessian kernels' reach
    blocks = np.empty((DIRECTIONS + 1, ink.shape[0] // step, ink.shape[1] // step), np.float32)
    for top in range(0, ink.shape[0], rows):
        low, high = max(0, top - margin), min(ink.shape[0], top + rows + margin)
        planes = _strip_planes(ink[low:high], line_sigma, step)
        start, count = (top - low) // step, min(rows, ink.shape[0] - top) // step
        blocks[:, top // step : top // step + count] = planes[:, start : start + count]
    for plane in blocks:  # smoothed in place
        ndimage.gaussian_filter(plane, scale.period / step, output=plane)
    blocks += _FLOOR
    np.log(blocks, out=blocks)
    values = np.ascontiguousarray(np.moveaxis(blocks, 0, -1), dtype=np.float16)
    del blocks
    reach = max(1, ceil((line_sigma + 0.5 + scale.period / 2) / step))
    wide = ndimage.binary_dilation(
        reduce_blocks(stroke_cores(ink, line_sigma + 0.5), step, np.any), iterations=reach
    )
    return LineEnergy(values, step, scale.period, wide)


def _strip_planes(ink: F32, line_sigma: float, step: int) -> F32:
    """(DIRECTIONS + 1, rows, cols) block means of each direction's line answer and the ink."""
    xx, xy, yy = (
        ndimage.gaussian_filter(ink, line_sigma, order=order) for order in ((0, 2), (1, 1), (2, 0))
    )
    across, term = np.empty_like(ink), np.empty_like(ink)
    planes = []
    for k in range(DIRECTIONS):
        angle = np.pi * k / DIRECTIONS
        nx, ny = -np.sin(angle), np.cos(angle)  # across a line running at `angle`
        np.multiply(xx, -nx * nx, out=across)
        across -= np.multiply(xy, 2 * nx * ny, out=term)
        across -= np.multiply(yy, ny * ny, out=term)
        planes.append(reduce_blocks(np.maximum(across, 0, out=across), step, np.mean))
    planes.append(reduce_blocks(ink, step, np.mean))
    stacked: F32 = np.stack(planes)
    return stacked


def band_markers(
    markers: npt.NDArray[np.int16], energy: LineEnergy, window: int
) -> npt.NDArray[np.int16]:
    """Mark the band's pixels (0 in `markers`) whose line energy clearly names a class.

    `markers` are the flood's: 0 undecided, 1 off the map, ``c + 1`` class value ``c``.
    Each class is modelled on its marked pixels; an undecided pixel may only take a class
    marked within a `window` of it, and only when that class's log-likelihood leads every
    other candidate's by `MARGIN` and the pixel is typical of it (`TYPICAL`). Pixels near
    a wide stroke are left to the flood: on a synthetic sheet the energy of a bold
    boundary line read as a hatch on its far side, and the flood followed those markers
    across the line. So are runs of marked pixels a period wide or less (they trace lines).
    """
    step = energy.step
    cells = markers[step // 2 :: step, step // 2 :: step]
    features = energy.values[: cells.shape[0], : cells.shape[1]]
    band = (cells == 0) & ~energy.wide[: cells.shape[0], : cells.shape[1]]
    if not band.any():
        return markers
    rows, cols = np.nonzero(band)
    where = (rows, cols)
    scores, distances = _scores(cells, features, where, 2 * (window // step) + 1)
    best = np.argmax(scores, axis=1)
    leads = np.partition(scores, -2, axis=1)[:, -2:]
    with np.errstate(invalid="ignore"):  # no candidate at all: -inf less -inf
        clear = (leads[:, 1] - leads[:, 0] >= MARGIN) & (
            distances[np.arange(len(best)), best] <= TYPICAL
        )
    named: npt.NDArray[np.int16] = np.zeros(cells.shape, np.int16)
    named[rows[clear], cols[clear]] = best[clear]
    named = _open(named, max(1, round(energy.period / 2 / step)))
    rows_needed, cols_needed = -(-markers.shape[0] // step), -(-markers.shape[1] // step)
    whole = ((0, rows_needed - named.shape[0]), (0, cols_needed - named.shape[1]))
    full = upsample(np.pad(named, whole), step, markers.shape)
    result: npt.NDArray[np.int16] = np.where(markers == 0, full, markers).astype(np.int16)
    return result


def _scores(
    cells: npt.NDArray[np.int16],
    features: npt.NDArray[np.float16],
    where: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    reach: int,
) -> tuple[F32, F32]:
    """Log-likelihood and squared distance of each band cell (`where`) under each class.

    (cells, classes + 1) arrays: -inf and inf where a class has no model or no marked cell
    within `reach` (a square's side, in cells) of the band cell.
    """
    shape = (len(where[0]), int(cells.max()) + 1)
    scores = np.full(shape, -np.inf, np.float32)
    distances = np.full(shape, np.inf, np.float32)
    samples = features[where].astype(np.float32)
    for value in np.unique(cells[cells > 1]):
        model = _fit(features[cells == value].astype(np.float32), int(value))
        if model is None:
            continue
        near = ndimage.maximum_filter(cells == value, size=reach)[where]
        distances[near, value], scores[near, value] = _log_likelihood(samples[near], *model)
    return scores, distances


def _open(named: npt.NDArray[np.int16], radius: int) -> npt.NDArray[np.int16]:
    """Keep each class's marked cells only where a disc of `radius` cells fits inside them."""
    disc = disk(radius)  # type: ignore[no-untyped-call]
    kept = np.zeros_like(named)
    for value in np.unique(named[named > 0]):
        rows, cols = np.nonzero(named == value)
        box = tuple(
            slice(max(0, int(low) - radius), int(high) + radius + 1)
            for low, high in ((rows.min(), rows.max()), (cols.min(), cols.max()))
        )
        opened = ndimage.binary_opening(named[box] == value, structure=disc)
        kept[box][opened] = value
    return kept


def _fit(samples: F32, seed: int) -> tuple[F32, F32, float] | None:
    """Fit a Gaussian: mean, inverse covariance, log-determinant (None: too few samples)."""
    if len(samples) < _LEAST:
        return None
    if len(samples) > _TRAIN:
        samples = samples[np.random.default_rng(seed).choice(len(samples), _TRAIN, replace=False)]
    mean = samples.mean(axis=0)
    covariance = np.cov(samples.T) + _RIDGE * np.eye(samples.shape[1])
    _, log_det = np.linalg.slogdet(covariance)
    return mean.astype(np.float32), np.linalg.inv(covariance).astype(np.float32), float(log_det)


def _log_likelihood(features: F32, mean: F32, inverse: F32, log_det: float) -> tuple[F32, F32]:
    """Return each row's squared Mahalanobis distance and log-likelihood (up to a constant)."""
    centred = features - mean
    distance: F32 = np.einsum("ij,jk,ik->i", centred, inverse, centred).astype(np.float32)
    return distance, (-0.5 * (distance + log_det)).astype(np.float32)


def _whole_blocks(raster: F32, step: int) -> F32:
    """Pad the raster (repeating its edge) to a whole number of `step` by `step` blocks."""
    height, width = raster.shape
    extra = (-height % step, -width % step)
    if not any(extra):
        return raster
    padded: F32 = np.pad(raster, ((0, extra[0]), (0, extra[1])), mode="edge")
    return padded
