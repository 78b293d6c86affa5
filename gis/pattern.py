"""Classify a black-and-white pattern sheet by texture learned from the legend's samples."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
import numpy.typing as npt
from rasterio.features import sieve
from scipy import ndimage

from gis.errors import ClassifyError
from gis.legend import Legend
from gis.raster import ArrayScan, Scan, iter_windows
from gis.texture import (
    F32,
    InkLevels,
    TextureScale,
    block_means,
    cell_features,
    fit_scale,
    ink_levels,
    line_length,
    pixel_channels,
    sample_features,
    to_grey,
)
from gis.types import FloatArray, LabelArray, RGBImage

PAPER_STEP: Final = 16
"""Grid step (pixels) of the local paper-tone map."""

_MARKER = 0.7  # smoothed posterior of the cells that seed the edge watershed
_CONFIDENT = 0.9  # posterior of the cells the model is refitted on
_FIT_CELLS = 200_000  # cells enough to refit the model on
_SHRINK = 0.2  # covariance shrinkage towards its diagonal: samples are few and correlated
_RIDGE_SIGMAS = (1.0, 4.0)  # difference of Gaussians that makes printed lines ridges
_LINE_LEVEL = 0.25  # ridge height of a printed line (ink share) that stops an edge flood


@dataclass(frozen=True, eq=False)
class TextureModel:
    """Linear discriminant model of the legend's textures, learned on the sheet.

    Attributes
    ----------
    codes
        Zone code of each class (from 1).
    means
        (classes, features) mean feature vector of each class's samples.
    precision
        Inverse of the pooled, shrunk within-class covariance.
    scale
        The window and grid the features are computed at.
    levels
        Paper and ink grey levels of the sheet.
    blank
        Class value of the plain-paper entry (lowest ink), or None when every entry has ink.
    """

    codes: tuple[str, ...]
    means: FloatArray
    precision: FloatArray
    scale: TextureScale
    levels: InkLevels
    blank: int | None

    def posteriors(self, features: F32) -> F32:
        """(n, classes) posterior probabilities of (n, features) vectors, equal priors."""
        diff = features[:, None, :].astype(np.float64) - self.means[None]
        distance = np.einsum("nkf,fg,nkg->nk", diff, self.precision, diff)
        logits = -0.5 * (distance - distance.min(axis=1, keepdims=True))
        weights = np.exp(logits)
        result: F32 = (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)
        return result


@dataclass(frozen=True, eq=False)
class PatternClassification:
    """Classified pixels of a pattern sheet (the counterpart of `gis.classify.Classification`).

    Attributes
    ----------
    labels
        (height, width) class values: 0 off the map, ``i + 1`` for ``codes[i]``.
    confidence
        (height, width) uint8 posterior of the chosen class (0..255), smoothed over the window.
    codes
        Zone code of each class value.
    model
        The texture model learned on the sheet.
    shares
        Fractions of the pixels ``outside``, ``refined`` (in the band where edges were snapped
        to printed lines) and ``sieved``.
    """

    labels: LabelArray
    confidence: npt.NDArray[np.uint8]
    codes: tuple[str, ...]
    model: TextureModel
    shares: Mapping[str, float]


def fit_texture_model(ink: F32, legend: Legend, levels: InkLevels) -> TextureModel:
    """Learn each entry's texture from its sample boxes (see `gis.texture`).

    Raises
    ------
    ClassifyError
        An entry without samples, a box off the sheet or too small.
    """
    patches = _patches(ink, legend)
    scale = fit_scale([patch for boxes in patches for patch in boxes])
    per_class = [
        np.concatenate([sample_features(ink, box, scale) for box in entry.samples])
        for entry in legend.entries
    ]
    means: FloatArray = np.array([x.mean(axis=0) for x in per_class], np.float64)
    centred = np.concatenate([x - x.mean(axis=0) for x in per_class]).astype(np.float64)
    covariance = centred.T @ centred / max(len(centred) - 1, 1)
    spread = np.diag(np.var(means, axis=0) + np.diag(covariance))
    shrunk = (1 - _SHRINK) * covariance + _SHRINK * spread + 1e-4 * np.eye(len(spread))
    inks = [float(np.mean([p.mean() for p in boxes])) for boxes in patches]
    blank = int(np.argmin(inks)) + 1 if min(inks) < 0.05 else None
    precision: FloatArray = np.linalg.inv(shrunk).astype(np.float64)
    return TextureModel(legend.codes, means, precision, scale, levels, blank)


def refit_on_sheet(model: TextureModel, features: F32, *, rounds: int = 1) -> TextureModel:
    """Re-learn means and covariance from the sheet's confidently classified cells.

    The samples give each texture's centre; the map shows how much a texture varies under
    streets, labels, fading and stains. Each round keeps cells whose posterior exceeds
    `_CONFIDENT` and refits the model on them (a class with too few keeps its means).
    """
    vectors = features.reshape(-1, features.shape[-1])
    stride = max(1, len(vectors) // _FIT_CELLS)
    vectors = vectors[::stride]
    for _ in range(rounds):
        posteriors = model.posteriors(vectors)
        best, score = posteriors.argmax(axis=1), posteriors.max(axis=1)
        means = model.means.copy()
        groups = []
        for index in range(len(means)):
            members = vectors[(best == index) & (score > _CONFIDENT)].astype(np.float64)
            if len(members) >= 2 * vectors.shape[1]:
                # half the sample's centre: the map may pull a texture, never replace it
                means[index] = 0.5 * (model.means[index] + members.mean(axis=0))
                groups.append(members - members.mean(axis=0))
        if not groups:
            return model
        centred = np.concatenate(groups)
        covariance = centred.T @ centred / max(len(centred) - 1, 1)
        shrunk = (1 - _SHRINK) * covariance + _SHRINK * np.diag(np.diag(covariance))
        precision = np.linalg.inv(shrunk + 1e-4 * np.eye(len(shrunk)))
        model = replace(model, means=means, precision=precision)
    return model


def classify_patterns(
    scan: Scan | RGBImage,
    legend: Legend,
    *,
    extent: npt.NDArray[np.bool_] | None = None,
    min_region_px: int = 64,
    rows: int = 1024,
) -> PatternClassification:
    """Classify every pixel of a black-and-white pattern sheet by the texture of its zone.

    1. Greyscale, paper tone and ink levels of the sheet; ink is measured against the local
       paper tone, so stains, yellowed paper and faint toner read alike.
    2. Learn a texture model from the legend's sample boxes (`fit_texture_model`): the
       window is fitted to the longest pattern period of the samples.
    3. Features on a grid of cells (`gis.texture.cell_features`), class posteriors per cell,
       averaged over the window (absorbs streets, labels and parcel lines printed over the
       patterns); the most probable class and its posterior as confidence.
    4. Off the map: outside `extent`, or else plain paper connected to the sheet's edge.
    5. Edges: in a band of half a window around every change of class, a watershed on the
       printed lines (a difference of Gaussians of the ink) seeded by the confident cells
       moves the edge onto the boundary line or the pattern change.
    6. Regions under `min_region_px` join their largest neighbour (GDAL sieve).

    Parameters
    ----------
    extent
        Optional (height, width) mask of the plan's extent (the municipal limit).

    Raises
    ------
    ClassifyError
        A legend entry without samples, a sample box off the sheet, a bad extent mask.

    Notes
    -----
    Holds the sheet as 8-bit grey plus an 8-bit ridge raster, int16 markers and the labels
    (about 6 bytes per pixel); features are kept per cell only. About 2 s per 10 Mpx.

    Examples
    --------
    >>> from gis.synthetic import make_sheet
    >>> sheet = make_sheet("pattern", height=200, width=260, cells=4, codes=3)
    >>> result = classify_patterns(sheet.image, sheet.legend)
    >>> sorted(set(np.unique(result.labels).tolist()) - {0})
    [1, 2, 3]
    """
    source = scan if not isinstance(scan, np.ndarray) else ArrayScan(scan)
    grey = _read_grey(source, rows)
    if extent is not None and extent.shape != grey.shape:
        raise ClassifyError(f"extent mask has shape {extent.shape}, the scan {grey.shape}")
    decimate = max(1, int(np.sqrt(grey.size / 1_000_000)))
    levels = ink_levels(grey[::decimate, ::decimate].astype(np.float32))
    paper = _paper_map(grey, levels)
    model = fit_texture_model(_ink(grey, paper), legend, levels)
    means, ridge = _sheet_channels(grey, paper, model.scale, rows)
    features = cell_features(means, model.scale)
    model = refit_on_sheet(model, features, rounds=1)
    cells = _cell_posteriors(model, features)
    coarse = np.argmax(cells, axis=-1).astype(np.uint8) + 1
    outside = _outside_cells(coarse, extent, model, ridge)
    coarse[outside] = 0
    confidence = np.round(255 * cells.max(axis=-1)).astype(np.uint8)
    labels, refined = _refine(coarse, cells.max(axis=-1) >= _MARKER, ridge, model.scale)
    sieved = sieve(labels, size=min_region_px, connectivity=4) if min_region_px > 1 else labels
    full_confidence = _upsample(confidence, model.scale.step, grey.shape).astype(np.uint8)
    total = float(labels.size)
    shares = {
        "outside": float(np.count_nonzero(labels == 0)) / total,
        "refined": refined / total,
        "sieved": float(np.count_nonzero(sieved != labels)) / total,
    }
    return PatternClassification(
        sieved.astype(np.uint8), full_confidence, legend.codes, model, shares
    )


def _patches(ink: F32, legend: Legend) -> list[list[F32]]:
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
        patches.append([ink[b.y0 : b.y1, b.x0 : b.x1] for b in entry.samples])
    return patches


def _read_grey(scan: Scan, rows: int) -> npt.NDArray[np.uint8]:
    grey = np.empty(scan.shape, np.uint8)
    for core, _ in iter_windows(scan.shape, rows=rows):
        grey[core] = np.round(to_grey(scan.read(core))).astype(np.uint8)
    return grey


def _paper_map(grey: npt.NDArray[np.uint8], levels: InkLevels) -> F32:
    """Local paper and ink tones on a `PAPER_STEP` grid, shape (2, rows, cols).

    The paper tone is the bright level around each cell (stains, yellowing, uneven light);
    the ink tone the dark level (faded, uneven toner), so a faint solid fill still reads as
    full ink. Where a neighbourhood has no paper, or no ink, the sheet's level is used.
    """
    height, width = grey.shape
    rows, cols = -(-height // PAPER_STEP), -(-width // PAPER_STEP)
    padded = np.pad(grey, ((0, rows * PAPER_STEP - height), (0, cols * PAPER_STEP - width)), "edge")
    blocks = padded.reshape(rows, PAPER_STEP, cols, PAPER_STEP)
    bright, dark = np.percentile(blocks, (90, 5), axis=(1, 3)).astype(np.float32)
    span = levels.paper - levels.black
    paper = ndimage.uniform_filter(ndimage.maximum_filter(bright, 5, mode="nearest"), 5)
    paper = np.where(paper < levels.black + 0.6 * span, levels.paper, paper)
    ink = ndimage.uniform_filter(ndimage.minimum_filter(dark, 7, mode="nearest"), 7)
    ink = np.where(ink > levels.black + 0.6 * span, levels.black, ink)
    return np.stack([paper, np.minimum(ink, paper - 32.0)]).astype(np.float32)


def _ink(grey: npt.NDArray[np.uint8], paper: F32, row0: int = 0) -> F32:
    """Ink share 0..1 of a block of rows starting at `row0` (a multiple of `PAPER_STEP`)."""
    first = row0 // PAPER_STEP
    last = -(-(row0 + grey.shape[0]) // PAPER_STEP)
    tones = np.repeat(np.repeat(paper[:, first:last], PAPER_STEP, 1), PAPER_STEP, 2)
    offset = row0 - first * PAPER_STEP
    tone = tones[0, offset : offset + grey.shape[0], : grey.shape[1]]
    dark = tones[1, offset : offset + grey.shape[0], : grey.shape[1]]
    ink: F32 = np.clip((tone - grey) / np.maximum(tone - dark, 16.0), 0.0, 1.0).astype(np.float32)
    return ink


def _sheet_channels(
    grey: npt.NDArray[np.uint8], paper: F32, scale: TextureScale, rows: int
) -> tuple[list[F32], npt.NDArray[np.uint8]]:
    """Cell means of the texture channels, and the full-size ridge raster, by row windows."""
    step = scale.step
    unit = step * PAPER_STEP // np.gcd(step, PAPER_STEP)
    rows = max(unit, rows // unit * unit)
    halo = unit * -(-(line_length(scale) + 12) // unit)
    ridge = np.empty(grey.shape, np.uint8)
    parts: list[list[F32]] = []
    for start in range(0, grey.shape[0], rows):
        top, stop = max(0, start - halo), min(grey.shape[0], start + rows + halo)
        ink = _ink(grey[top:stop], paper, top)
        means = block_means(pixel_channels(ink, scale), scale.step)
        first, last = (start - top) // step, -(-(min(start + rows, grey.shape[0]) - top) // step)
        parts.append([m[first:last] for m in means])
        line = ndimage.gaussian_filter(ink, _RIDGE_SIGMAS[0])
        line -= ndimage.gaussian_filter(ink, _RIDGE_SIGMAS[1])
        end = min(start + rows, grey.shape[0])
        ridge[start:end] = np.clip(line[start - top : end - top] * 255, 0, 255).astype(np.uint8)
    return [np.concatenate([p[i] for p in parts]) for i in range(len(parts[0]))], ridge


def _cell_posteriors(model: TextureModel, features: F32) -> F32:
    rows, cols, count = features.shape
    posteriors = model.posteriors(features.reshape(-1, count)).reshape(rows, cols, -1)
    size = max(1, round(model.scale.window / model.scale.step))
    smoothed: F32 = ndimage.uniform_filter(posteriors, (size, size, 1), mode="nearest")
    return smoothed


def _outside_cells(
    coarse: LabelArray,
    extent: npt.NDArray[np.bool_] | None,
    model: TextureModel,
    ridge: npt.NDArray[np.uint8],
) -> npt.NDArray[np.bool_]:
    step = model.scale.step
    if extent is not None:
        centres = extent[step // 2 :: step, step // 2 :: step]
        inside = np.zeros(coarse.shape, bool)
        inside[: centres.shape[0], : centres.shape[1]] = centres
        result: npt.NDArray[np.bool_] = ~inside
        return result
    if model.blank is None:
        return np.zeros(coarse.shape, bool)
    lines = _block_max(ridge, step) > _LINE_LEVEL * 255
    paper = (coarse == model.blank) & ~lines
    components, _ = ndimage.label(paper)
    edge = np.concatenate([components[0], components[-1], components[:, 0], components[:, -1]])
    touching = np.zeros(int(components.max()) + 1, bool)
    touching[edge] = True
    touching[0] = False
    grown: npt.NDArray[np.bool_] = ndimage.binary_dilation(
        touching[components], mask=coarse == model.blank
    )
    return grown


def _refine(
    coarse: LabelArray,
    sure: npt.NDArray[np.bool_],
    ridge: npt.NDArray[np.uint8],
    scale: TextureScale,
) -> tuple[LabelArray, int]:
    """Move class edges onto printed lines: a watershed in a band around every edge.

    The band is half a window around each change of class, plus the cells not `sure`
    (windows that straddle two textures look like neither); off-map cells are always sure.
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
    markers = coarse.astype(np.int16) + 1  # 1 is off the map, so 0 can mean "unknown"
    markers[band] = 0
    full = _upsample(markers, step, ridge.shape).astype(np.int16)
    flooded = ndimage.watershed_ift(ridge, full)
    labels: LabelArray = (flooded - 1).astype(np.uint8)
    return labels, int(np.count_nonzero(full == 0))


def _upsample(
    cells: npt.NDArray[np.generic], step: int, shape: tuple[int, int]
) -> npt.NDArray[np.generic]:
    full = np.repeat(np.repeat(cells, step, axis=0), step, axis=1)
    return full[: shape[0], : shape[1]]


def _block_max(raster: npt.NDArray[np.uint8], step: int) -> npt.NDArray[np.uint8]:
    height, width = raster.shape
    rows, cols = -(-height // step), -(-width // step)
    padded = np.pad(raster, ((0, rows * step - height), (0, cols * step - width)))
    result: npt.NDArray[np.uint8] = padded.reshape(rows, step, cols, step).max(axis=(1, 3))
    return result
