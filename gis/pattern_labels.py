"""Find the zone letters printed inside a pattern sheet's districts and read them by OCR.

Zone letters on old plans sit in a small ring (a circle or an oval) of plain paper cut out of
the district's pattern, so the hatching does not hide them. A candidate is a blob of paper
about the size of a word, compact (a ring's inside fills most of its box) and holding a few
dark strokes (the letters); the OCR (`gis.ocr.LabelReader`, constrained to the legend's
codes) then throws out what is not a code.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from math import ceil
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage
from skimage.morphology import convex_hull_image

from gis.components import large_parts
from gis.ocr import LabelReader, LabelReading
from gis.pattern_regions import class_regions
from gis.types import LabelArray

F32 = npt.NDArray[np.float32]
Box = tuple[slice, slice]

MIN_SCORE: Final = 0.75
"""Least reading score (`gis.ocr.LabelReading.score`) for a zone letter to count."""

_PAPER = 0.4  # ink share under which a pixel is paper
_SIDE = (10, 160)  # a ring's box sides, pixels: from a lone small capital to a short word
_ELONGATION = 3.5  # longest over shortest side of a ring's box: not a street
_FILL = 0.6  # least share of its box a ring's inside fills (an ellipse fills 0.79)
_LETTERS = (0.04, 0.5)  # share of a ring's inside that the letters cover
_NOTCH = 0.03  # least share of a ring's inside that a notch left by a letter covers
_SIDEWAYS = 1.3  # a ring this many times taller than wide holds a word turned sideways


@dataclass(frozen=True)
class ZoneLabel:
    """A zone letter read inside a district.

    Attributes
    ----------
    code
        The legend code it was read as.
    row, col
        Centre of its ring, pixels.
    score
        The reading's score (`gis.ocr.LabelReading.score`), 0..1.
    """

    code: str
    row: float
    col: float
    score: float


def find_zone_labels(
    grey: npt.NDArray[np.uint8],
    ink: F32,
    codes: Sequence[str],
    *,
    tessdata: str | Path | None = None,
    min_score: float = MIN_SCORE,
) -> list[ZoneLabel]:
    """Read the zone letters of a sheet: every ring of paper holding letters read as a code.

    `ink` is the sheet's ink share 0..1 (measured against the local paper tone, so faded
    print and stained paper read alike); `grey` gives the OCR its crops. Each crop keeps
    the ring's inside only, so the ring and the pattern around it are not read.
    """
    labels: list[ZoneLabel] = []
    with LabelReader(list(codes), tessdata=tessdata) as reader:
        for box, inside in _rings(ink < _PAPER):
            reading = _read(reader, np.where(inside, grey[box], 255).astype(np.uint8))
            if reading.label is not None and reading.score >= min_score:
                rows, cols = box
                labels.append(
                    ZoneLabel(
                        reading.label,
                        (rows.start + rows.stop - 1) / 2,
                        (cols.start + cols.stop - 1) / 2,
                        round(reading.score, 3),
                    )
                )
    return labels


def _read(reader: LabelReader, crop: npt.NDArray[np.uint8]) -> LabelReading:
    """Read a ring's crop upright, or a quarter turned either way when it stands upright.

    A word runs along its ring's longer side: a ring taller than wide holds sideways text
    (a sheet printed turned). Round rings are only read upright: on West Hartford, turning
    them too gave five false letters and no true one.
    """
    if crop.shape[0] < _SIDEWAYS * crop.shape[1]:
        return reader.read(crop)
    readings = [reader.read(crop, angle_deg=angle) for angle in (90.0, -90.0)]
    return max(readings, key=lambda r: (r.label is not None, r.score))


def _rings(paper: npt.NDArray[np.bool_]) -> Iterator[tuple[Box, npt.NDArray[np.bool_]]]:
    """Yield the box and filled inside of every compact blob of paper holding letters."""
    blobs, _ = ndimage.label(paper)
    for number, found in enumerate(ndimage.find_objects(blobs), start=1):
        if found is None:
            continue
        box = (found[0], found[1])
        if not _ring_sized(box):
            continue
        own = blobs[box] == number
        inside = ndimage.binary_fill_holes(own)
        area = int(np.count_nonzero(inside))
        letters = (area - int(np.count_nonzero(own))) / area
        if area >= _FILL * own.size and _LETTERS[0] <= letters <= _LETTERS[1]:
            yield box, _with_notches(own, inside)


def _with_notches(
    own: npt.NDArray[np.bool_], inside: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """Give back to a ring's inside the letters that touch the ring.

    A letter touching its ring is ink joined to the ring, so it is no hole of the paper and
    would be cut from the crop ("AA" read as "A"). It leaves a notch in the paper: a piece
    of the paper's convex hull (less the two pixels along its rim, where the ring line
    runs) outside the filled inside, as large as a letter. Such pieces are kept.
    """
    hull = convex_hull_image(own)  # type: ignore[no-untyped-call]
    notches = ndimage.binary_erosion(hull, iterations=2) & ~inside
    parts, letters = large_parts(notches, _NOTCH * np.count_nonzero(inside))
    kept: npt.NDArray[np.bool_] = inside | letters[parts]
    return kept


def _ring_sized(box: Box) -> bool:
    height: int = box[0].stop - box[0].start
    width: int = box[1].stop - box[1].start
    short, long = sorted((height, width))
    return _SIDE[0] <= short and long <= _SIDE[1] and long <= _ELONGATION * short


def classes_at(coarse: LabelArray, labels: Sequence[ZoneLabel], step: int) -> list[int]:
    """Class value of the cell under each zone letter (0 off the map or off the grid).

    Examples
    --------
    >>> classes_at(np.array([[1, 2]], np.uint8), [ZoneLabel("B", 4.0, 15.0, 0.9)], 10)
    [2]
    """
    cells = [_cell(label, step, coarse.shape) for label in labels]
    return [0 if cell is None else int(coarse[cell]) for cell in cells]


def near_labels(
    shape: tuple[int, int], labels: Sequence[ZoneLabel], step: int, reach: float
) -> npt.NDArray[np.bool_]:
    """(rows, cols) cells of a `step`-pixel grid whose centre lies within `reach` of a letter.

    Examples
    --------
    >>> near_labels((1, 4), [ZoneLabel("B", 5.0, 5.0, 0.9)], 10, 10.0)[0].tolist()
    [True, True, False, False]
    """
    rows, cols = ((np.arange(n) + 0.5) * step for n in shape)
    near = np.zeros(shape, bool)
    for label in labels:
        near |= np.hypot(rows[:, None] - label.row, cols[None, :] - label.col) <= reach
    return near


def paint_labels(
    coarse: LabelArray, labels: Sequence[ZoneLabel], codes: Sequence[str], step: int, reach: float
) -> LabelArray:
    """Give the cells around each zone letter (within `reach` pixels) the letter's code.

    `coarse` holds a class per `step`-pixel cell (0 off the map). A letter speaks for the
    district it sits in, so it reaches only the cells of its own region (the 4-connected
    run of one class holding it) connected to it; where two letters reach a cell, the
    nearer wins. A district whose pattern the texture model took for another's (a fine
    cross-hatch for a coarser one) gets its code back around its letter; a large district
    keeps its texture class beyond `reach`. Letters off the map or off the grid are ignored.

    Examples
    --------
    >>> coarse = np.array([[1, 1, 1, 1, 2, 2]] * 3, np.uint8)
    >>> painted = paint_labels(coarse, [ZoneLabel("C", 15.0, 5.0, 0.9)], "ABC", 10, 15.0)
    >>> painted[1].tolist()
    [3, 3, 1, 1, 2, 2]
    """
    regions, _ = class_regions(coarse)
    nearest = np.full(coarse.shape, np.inf)
    result = coarse.copy()
    radius = reach / step
    for label in labels:
        cell = _cell(label, step, coarse.shape)
        if cell is None or not coarse[cell]:
            continue
        row, col = cell
        box = _disc_box(row, col, radius, coarse.shape)
        rows, cols = np.mgrid[box]
        distance = np.hypot(rows - row, cols - col)
        own = (regions[box] == regions[row, col]) & (distance <= radius)
        parts, _ = ndimage.label(own)
        closer = (parts == parts[row - box[0].start, col - box[1].start]) & (
            distance < nearest[box]
        )
        nearest[box][closer] = distance[closer]
        result[box][closer] = list(codes).index(label.code) + 1
    return result


def _cell(label: ZoneLabel, step: int, shape: tuple[int, ...]) -> tuple[int, int] | None:
    """Return the grid cell under a letter, or None when it lies off the grid."""
    row, col = int(label.row // step), int(label.col // step)
    return (row, col) if 0 <= row < shape[0] and 0 <= col < shape[1] else None


def _disc_box(row: int, col: int, radius: float, shape: tuple[int, ...]) -> Box:
    """Return the grid's cells in the bounding box of a disc around (row, col)."""
    side = ceil(radius)
    return (
        slice(max(0, row - side), min(shape[0], row + side + 1)),
        slice(max(0, col - side), min(shape[1], col + side + 1)),
    )
