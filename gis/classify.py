"""Label the pixels of a colour-filled plan sheet with legend classes, ink and text filled in."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from rasterio.features import sieve
from scipy import ndimage

from gis.colour import (
    INK,
    PAPER,
    UNSURE,
    ColourModel,
    border_histogram,
    colour_histogram,
    fit_colour_model,
    quantise,
)
from gis.errors import ClassifyError
from gis.legend import RGB, Legend
from gis.raster import ArrayScan, Scan, iter_windows
from gis.types import LabelArray, RGBImage, Window

OUTSIDE: Final = 0
"""Class value of pixels off the map: paper connected to the sheet's edge."""

INFERRED_CONFIDENCE: Final = 96
"""Confidence (of 255) given to ink, text and gap pixels whose class comes from neighbours."""

_TEXTURE_CONFIDENCE = INFERRED_CONFIDENCE - 1
_LINE_SUPPORT = 0.5  # share of a region's border next to printed line that makes it a zone
_FOUR = ndimage.generate_binary_structure(2, 1)
_SAMPLE_PIXELS = 4_000_000  # the colour histogram needs no more than this sample
_COARSE_PIXELS = 4_000_000  # the outside mask is found on a grid of about this many cells


@dataclass(frozen=True, eq=False)
class Classification:
    """Classified pixels of a sheet.

    Attributes
    ----------
    labels
        (height, width) class values: `OUTSIDE`, or ``i + 1`` for ``codes[i]``.
    confidence
        (height, width) uint8 confidence 0..255: colour posterior times local agreement, or
        `INFERRED_CONFIDENCE` where the class was taken from the surroundings.
    codes
        Zone code of each class value (from 1).
    model
        The colour model learned on the sheet.
    shares
        Fractions of the pixels that were ``ink`` (lines, text), ``gap`` (unprinted paper
        inside the map), ``unsure`` (no class matched), ``outside`` and ``sieved``.
    """

    labels: LabelArray
    confidence: npt.NDArray[np.uint8]
    codes: tuple[str, ...]
    model: ColourModel
    shares: Mapping[str, float]


def classify(
    scan: Scan | RGBImage,
    legend: Legend,
    *,
    min_region_px: int = 64,
    smooth_px: int = 3,
    mode_px: int = 7,
    texture_px: int | None = None,
    rows: int = 1024,
    fill_halo: int = 96,
) -> Classification:
    """Classify every pixel of a colour-filled sheet by legend colour.

    1. Learn the sheet's colours (`gis.colour.fit_colour_model`) from a colour histogram.
    2. Per window: box-smooth (absorbs pencil texture, dot screens and JPEG noise), look up
       each colour's class and posterior, then a mode filter (absorbs hatching and speckle).
    3. Paper connected to the sheet's edge is `OUTSIDE`; ink, unmatched colours and paper
       inside the map take the class of the nearest classified pixel, so boundaries fall on
       the centre line of the printed boundary.
    4. Texture: a region under `texture_px` whose border is mostly not printed line (a
       streak of colour pencil, a blotch of faded colour), or that is nowhere more than
       `mode_px` from its border (a band of pale, paper-and-fill colour along a pencil
       line: the mode filter cannot tell a zone that narrow from the colour ramp beside a
       line), takes its neighbours' class.
    5. Regions under `min_region_px` are merged into their largest neighbour (GDAL sieve).

    Parameters
    ----------
    scan
        An opened scan (`gis.raster.open_scan`) or an RGB array.
    legend
        Filled entries give nominal colours or `samples` boxes.
    min_region_px
        Minimum mapping unit in pixels.
    smooth_px, mode_px
        Widths of the box smoothing and of the mode filter (odd, pixels).
    texture_px
        Largest texture region in pixels (default 50 times `min_region_px`); 0 disables.
    rows, fill_halo
        Rows per window, and the rows of context a window looks at to fill ink.

    Raises
    ------
    ClassifyError
        No filled legend entry, or nothing on the sheet matches a legend class.

    Notes
    -----
    Resident memory is the labels and confidence (2 bytes per pixel) plus a few window-sized
    float32 buffers; the scan itself is read window by window. A filled pixel whose nearest
    classified pixel is more than `fill_halo` rows away may take a farther class.

    Examples
    --------
    >>> from gis.legend import parse_legend
    >>> image = np.full((40, 60, 3), (250, 200, 120), np.uint8)
    >>> image[:, 30:] = (150, 200, 250)
    >>> image[:, 29:31] = 0  # a boundary line
    >>> legend = parse_legend({"zones": [{"code": "A", "color": "#fac878"},
    ...                                  {"code": "B", "color": "#96c8fa"}]})
    >>> result = classify(image, legend)
    >>> np.bincount(result.labels.ravel()).tolist()
    [0, 1200, 1200]
    """
    source = scan if not isinstance(scan, np.ndarray) else ArrayScan(scan)
    height, width = source.shape
    stride = max(1, int(np.sqrt(height * width / _SAMPLE_PIXELS)))
    histogram = colour_histogram(source, stride=stride, rows=rows)
    model = fit_colour_model(
        histogram, legend, samples=_samples(source, legend), border=border_histogram(source)
    )
    labels, confidence = _label_pixels(
        source, model, smooth_px=smooth_px, mode_px=mode_px, rows=rows
    )
    counts = np.bincount(labels.ravel(), minlength=256)
    _mark_outside(labels)
    outside = int(np.count_nonzero(labels == OUTSIDE))
    if not counts[1 : len(legend.entries) + 1].any():
        raise ClassifyError("no pixel of the scan matches a legend colour")
    inferred = labels >= UNSURE
    _fill_unknown(labels, confidence, rows=rows, halo=fill_halo)
    texture = 50 * min_region_px if texture_px is None else texture_px
    if texture > 0 and _mark_texture(labels, inferred, max_px=texture, thin_px=mode_px):
        _fill_unknown(labels, confidence, rows=rows, halo=fill_halo)
    del inferred
    sieved = sieve(labels, size=min_region_px, connectivity=4) if min_region_px > 1 else labels
    total = float(labels.size)
    shares = {
        "ink": float(counts[INK]) / total,
        "gap": float(counts[PAPER] - outside) / total,
        "unsure": float(counts[UNSURE]) / total,
        "outside": outside / total,
        "texture": float(np.count_nonzero(confidence == _TEXTURE_CONFIDENCE)) / total,
        "sieved": float(np.count_nonzero(sieved != labels)) / total,
    }
    return Classification(sieved.astype(np.uint8), confidence, legend.codes, model, shares)


def _samples(scan: Scan, legend: Legend) -> dict[int, list[RGB]]:
    found: dict[int, list[RGB]] = {}
    height, width = scan.shape
    for index, entry in enumerate(legend.entries):
        for box in entry.samples:
            if box.x1 > width or box.y1 > height:
                raise ClassifyError(
                    f"zones[{index}].samples: box {box} lies outside the {width} x {height} scan"
                )
            block = scan.read((slice(box.y0, box.y1), slice(box.x0, box.x1)))
            median = np.median(block.reshape(-1, 3), axis=0)
            found.setdefault(index, []).append((int(median[0]), int(median[1]), int(median[2])))
    return found


def _label_pixels(
    scan: Scan, model: ColourModel, *, smooth_px: int, mode_px: int, rows: int
) -> tuple[LabelArray, npt.NDArray[np.uint8]]:
    lut_labels, lut_confidence = model.lut()
    labels = np.empty(scan.shape, np.uint8)
    confidence = np.empty(scan.shape, np.uint8)
    halo = smooth_px + mode_px
    for core, padded in iter_windows(scan.shape, rows=rows, halo=halo):
        block = scan.read(padded)
        if smooth_px > 1:
            block = ndimage.uniform_filter(block, size=(smooth_px, smooth_px, 1), mode="nearest")
        bins = quantise(block)
        mode, agreement = _mode_filter(lut_labels[bins], mode_px)
        inner = _inner(core, padded)
        labels[core] = mode[inner]
        confidence[core] = (lut_confidence[bins][inner] * agreement[inner]).astype(np.uint8)
    return labels, confidence


def _inner(core: Window, padded: Window) -> Window:
    start = core[0].start - padded[0].start
    return slice(start, start + core[0].stop - core[0].start), slice(None)


def _mode_filter(labels: LabelArray, size: int) -> tuple[LabelArray, npt.NDArray[np.float32]]:
    """Most frequent value in a `size` x `size` box, and the share of the box it covers."""
    if size <= 1:
        return labels, np.ones(labels.shape, np.float32)
    best = np.zeros(labels.shape, np.float32)
    mode = labels.copy()
    for value in np.flatnonzero(np.bincount(labels.ravel(), minlength=256)):
        share = ndimage.uniform_filter((labels == value).astype(np.float32), size, mode="nearest")
        better = share > best
        mode[better] = value
        best[better] = share[better]
    return mode, best


def _mark_outside(labels: LabelArray) -> None:
    """Relabel paper connected to the sheet's edge as `OUTSIDE`, on a coarse grid."""
    paper = labels == PAPER
    if not paper.any():
        return
    height, width = labels.shape
    factor = max(1, int(np.ceil(np.sqrt(height * width / _COARSE_PIXELS))))
    coarse_h, coarse_w = -(-height // factor), -(-width // factor)
    padded = np.ones((coarse_h * factor, coarse_w * factor), bool)
    padded[:height, :width] = paper
    coarse = padded.reshape(coarse_h, factor, coarse_w, factor).all(axis=(1, 3))
    components, _ = ndimage.label(coarse)
    edge = np.concatenate([components[0], components[-1], components[:, 0], components[:, -1]])
    touching = np.zeros(int(components.max()) + 1, bool)
    touching[edge] = True
    touching[0] = False
    outside = ndimage.binary_dilation(touching[components], iterations=1)
    full = np.repeat(np.repeat(outside, factor, axis=0), factor, axis=1)[:height, :width]
    labels[full & paper] = OUTSIDE


def _fill_unknown(
    labels: LabelArray, confidence: npt.NDArray[np.uint8], *, rows: int, halo: int
) -> None:
    """Give ink, unsure and gap pixels the class of the nearest classified pixel, in place."""
    for core, padded in iter_windows(labels.shape, rows=rows, halo=halo):
        block = labels[padded]
        unknown = block >= UNSURE
        if not unknown.any() or unknown.all():
            continue
        nearest = ndimage.distance_transform_edt(
            unknown, return_distances=False, return_indices=True
        )
        inner = _inner(core, padded)
        filled = block[nearest[0], nearest[1]][inner]
        was_unknown = unknown[inner]
        labels[core] = filled
        confidence[core][was_unknown] = INFERRED_CONFIDENCE
    if (labels >= UNSURE).any():  # windows with nothing classified: one global pass
        unknown = labels >= UNSURE
        nearest = ndimage.distance_transform_edt(
            unknown, return_distances=False, return_indices=True
        )
        labels[...] = labels[nearest[0], nearest[1]]
        confidence[unknown] = INFERRED_CONFIDENCE


def label_regions(labels: LabelArray) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.intp]]:
    """Return ids of the 4-connected regions of equal nonzero class, and their classes.

    Returns
    -------
    regions
        int32 raster of region ids from 1 (0 where `labels` is 0).
    classes
        Class value of each id (index 0 is unused).

    Notes
    -----
    Holds the int32 result and one int32 scratch raster: 8 bytes per pixel.

    Examples
    --------
    >>> regions, classes = label_regions(np.array([[1, 2, 1]], np.uint8))
    >>> regions.tolist(), classes.tolist()
    ([[1, 3, 2]], [0, 1, 1, 2])
    """
    regions = np.zeros(labels.shape, np.int32)
    scratch = np.empty(labels.shape, np.int32)
    classes: list[npt.NDArray[np.intp]] = [np.zeros(1, np.intp)]
    offset = 0
    present = np.flatnonzero(np.bincount(labels.ravel(), minlength=256))
    for value in present[present > 0]:
        mask = labels == value
        count = ndimage.label(mask, structure=_FOUR, output=scratch)
        np.add(scratch, offset, out=regions, where=mask)
        classes.append(np.full(count, value, np.intp))
        offset += count
    return regions, np.concatenate(classes)


def _mark_texture(
    labels: LabelArray, inferred: npt.NDArray[np.bool_], *, max_px: int, thin_px: int = 0
) -> bool:
    """Mark small regions mostly not next to printed line, or thin ones, as `UNSURE`.

    A region is thin when no pixel of it lies more than `thin_px` from its border.
    """
    regions, _ = label_regions(labels)
    border = np.zeros(labels.shape, bool)
    vertical = regions[:-1] != regions[1:]
    horizontal = regions[:, :-1] != regions[:, 1:]
    border[:-1] |= vertical
    border[1:] |= vertical
    border[:, :-1] |= horizontal
    border[:, 1:] |= horizontal
    near_line = ndimage.binary_dilation(inferred, iterations=2) & border
    size = int(regions.max()) + 1
    area = np.bincount(regions.ravel(), minlength=size)
    border_px = np.bincount(regions[border], minlength=size)
    line_px = np.bincount(regions[near_line], minlength=size)
    small = area < max_px
    texture = small & (line_px < _LINE_SUPPORT * np.maximum(border_px, 1))
    if thin_px > 0:
        texture |= _thin(regions, np.flatnonzero(small & ~texture), thin_px)
    texture[0] = False
    if not texture.any():
        return False
    labels[texture[regions]] = UNSURE
    return True


def _thin(
    regions: npt.NDArray[np.int32], candidates: npt.NDArray[np.intp], thin_px: int
) -> npt.NDArray[np.bool_]:
    """Flag the `candidates` (region ids) with no pixel more than `thin_px` inside them.

    Notes
    -----
    Works on each candidate's bounding box, so memory stays that of the largest box.
    """
    thin = np.zeros(int(regions.max()) + 1, bool)
    boxes = ndimage.find_objects(regions)
    for region in candidates[candidates > 0]:
        box = boxes[region - 1]
        if box is None:
            continue
        inside = np.pad(regions[box] == region, 1)
        depth = float(ndimage.distance_transform_edt(inside).max())
        thin[region] = depth <= thin_px
    return thin
