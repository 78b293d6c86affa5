"""Faces of an outline sheet's line network: dark boundary lines apart from text and parcels."""

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from affine import Affine
from rasterio.features import rasterize
from scipy import ndimage
from shapely.geometry import Polygon

from gis.components import FOUR, label_spans
from gis.ocr import otsu_threshold
from gis.raster import ArrayScan, Scan, iter_windows
from gis.types import RGBImage

Faces = npt.NDArray[np.int32]
"""(height, width) face ids: 0 for none (a line pixel, or off the map), faces from 1."""

_LUMA: Final = np.array([0.299, 0.587, 0.114], np.float32)
_DARK_RANGE: Final = (0.35, 0.6)  # line-core threshold bounds, from dark ink towards paper
_OUTSIDE_SHARE: Final = 0.5  # share of a face off the frame that makes it off the map


@dataclass(frozen=True, eq=False)
class Ink:
    """The dark marks of a sheet, split into boundary lines and text.

    Attributes
    ----------
    lines
        Pixels of long dark strokes: zone boundaries and the frame.
    text
        Pixels of short dark marks: letters, numbers, specks.
    thresholds
        What was learned from the sheet: ``paper`` and ``dark`` grey levels, ``ink`` (Otsu
        on lightness; darker pixels are marks), ``line_core`` (the darkest pixel around a
        mark must be this dark for the mark to be a boundary, which leaves out lighter grey
        parcel lines), ``min_line_px`` (marks at least this long are lines) and
        ``stroke_px`` (the lines' typical width).
    """

    lines: npt.NDArray[np.bool_]
    text: npt.NDArray[np.bool_]
    thresholds: dict[str, int]


def read_grey(scan: Scan | RGBImage, *, rows: int = 1024) -> npt.NDArray[np.uint8]:
    """Read a scan's lightness (Rec. 601 luma), window by window.

    Examples
    --------
    >>> read_grey(np.full((2, 3, 3), 200, np.uint8)).tolist()
    [[200, 200, 200], [200, 200, 200]]
    """
    source = ArrayScan(scan) if isinstance(scan, np.ndarray) else scan
    grey = np.empty(source.shape, np.uint8)
    for core, _ in iter_windows(source.shape, rows=rows):
        block = source.read(core).astype(np.float32)
        grey[core] = np.clip(np.rint(block @ _LUMA), 0, 255)
    return grey


def find_ink(grey: npt.NDArray[np.uint8], *, min_line_px: int | None = None) -> Ink:
    """Threshold a sheet's dark marks and tell boundary lines from text and parcel lines.

    1. Marks are pixels darker than Otsu's threshold of the sheet's lightness.
    2. A mark pixel belongs to a dark stroke when the darkest pixel of its 3 x 3
       neighbourhood is darker than ``line_core``: Otsu's threshold of those darkest values,
       kept between 35 % and 60 % of the way from the darkest ink to the paper. Thin, lighter
       grey parcel lines fall above it and never split zones.
    3. Dark strokes whose 8-connected component spans at least `min_line_px` are lines;
       the rest is text. By default `min_line_px` is three times the 75th percentile of the
       components' spans (letters and numbers far outnumber line pieces), at least 24.
    4. Strokes narrower than half the lines' typical width (`stroke_width`, when at least
       3 pixels) are dropped from the lines by a morphological opening: dark but thin
       parcel or hatch lines do not split zones either.

    Examples
    --------
    >>> grey = np.full((40, 60), 240, np.uint8)
    >>> grey[20, :] = 20  # a boundary
    >>> for x in range(5, 50, 10):
    ...     grey[5:9, x : x + 3] = 20  # letters
    >>> grey[30, :] = 190  # a light parcel line
    >>> ink = find_ink(grey)
    >>> int(ink.lines.sum()), int(ink.text.sum()), ink.thresholds["min_line_px"]
    (60, 60, 24)
    """
    histogram = np.bincount(grey.ravel(), minlength=256)
    ink_level = otsu_threshold(histogram)
    marks = grey <= ink_level
    if not marks.any():
        empty = np.zeros_like(marks)
        return Ink(empty, empty.copy(), {"ink": ink_level, "min_line_px": 0})
    paper = int(np.argmax(histogram[ink_level + 1 :])) + ink_level + 1
    dark = int(np.searchsorted(np.cumsum(histogram), 0.05 * histogram[: ink_level + 1].sum()))
    core = ndimage.minimum_filter(grey, size=3)
    low, high = (dark + share * (paper - dark) for share in _DARK_RANGE)
    line_core = int(np.clip(otsu_threshold(np.bincount(core[marks], minlength=256)), low, high))
    marks &= core <= line_core
    del core
    components, spans = label_spans(marks)
    if min_line_px is None:
        letters = spans[1:][spans[1:] >= 4]
        min_line_px = max(24, int(3 * np.percentile(letters, 75))) if len(letters) else 24
    is_line = spans >= min_line_px
    is_line[0] = False
    lines = is_line[components]
    del components
    text = marks & ~lines
    width = stroke_width(lines)
    if width >= 3:  # strokes under half the boundaries' width are parcel or hatch lines
        size = int(np.ceil(width / 2))
        lines = ndimage.binary_opening(lines, structure=np.ones((size, size), bool))
    thresholds = {"paper": paper, "dark": dark, "ink": ink_level, "line_core": line_core}
    return Ink(lines, text, {**thresholds, "min_line_px": min_line_px, "stroke_px": width})


def stroke_width(lines: npt.NDArray[np.bool_], *, strips: int = 8, rows: int = 256) -> int:
    """Typical width in pixels of the strokes of `lines`, 0 when there are none.

    Twice the median distance to the background along the strokes' ridges, minus one,
    measured in `strips` strips of `rows` rows spread over the sheet.

    Examples
    --------
    >>> lines = np.zeros((40, 40), bool)
    >>> lines[10:15, :] = lines[:, 20:25] = True
    >>> stroke_width(lines)
    5
    """
    found = []
    for start in np.linspace(0, max(0, len(lines) - rows), strips).astype(int):
        block = lines[start : start + rows]
        if block.any():
            distance = ndimage.distance_transform_edt(block)
            ridge = block & (distance >= ndimage.maximum_filter(distance, size=3))
            found.append(distance[ridge])
    if not found:
        return 0
    return max(0, round(2 * float(np.median(np.concatenate(found))) - 1))


def label_faces(lines: npt.NDArray[np.bool_], *, gap_px: int = 3) -> tuple[Faces, int]:
    """Label the faces of a line network: 4-connected areas of paper between the lines.

    Lines are first grown by `gap_px` pixels so breaks up to ``2 * gap_px`` wide close; the
    grown line pixels are face 0 (`fill_lines` gives them to the nearest face).

    Examples
    --------
    >>> lines = np.zeros((9, 9), bool)
    >>> lines[:, 4] = True
    >>> lines[3:5, 4] = False  # a break of two pixels
    >>> faces, count = label_faces(lines, gap_px=1)
    >>> count, faces[4, 0], faces[4, 8]
    (2, np.int32(1), np.int32(2))
    """
    if gap_px < 0:
        raise ValueError(f"gap_px must be >= 0, got {gap_px}")
    barrier = ndimage.maximum_filter(lines.view(np.uint8), size=2 * gap_px + 1) > 0
    faces = np.empty(lines.shape, np.int32)
    count = int(ndimage.label(~barrier, structure=FOUR, output=faces))
    return faces, count


def fill_lines(faces: Faces, *, rows: int = 1024, halo: int = 64) -> None:
    """Give every face-0 pixel the id of the nearest face, in place, window by window.

    Boundaries then run along the middle of the lines. A pixel with no face within `halo`
    rows of its window takes the nearest face found in the window (or stays 0).

    Examples
    --------
    >>> faces = np.array([[1, 0, 0, 0, 2]], np.int32)
    >>> fill_lines(faces)
    >>> faces.tolist()
    [[1, 1, 1, 2, 2]]
    """
    for core, padded in iter_windows(faces.shape, rows=rows, halo=halo):
        block = faces[padded]
        holes = block == 0
        if not holes.any() or holes.all():
            continue
        nearest = ndimage.distance_transform_edt(holes, return_distances=False, return_indices=True)
        filled = block[nearest[0], nearest[1]]
        start = core[0].start - padded[0].start
        faces[core] = filled[start : start + core[0].stop - core[0].start]


def outside_faces(faces: Faces, count: int, frame: Polygon | None) -> npt.NDArray[np.bool_]:
    """Return, per face id (from 0), True for faces off the map.

    When the sheet has a map frame (a polygon in pixel coordinates, e.g. from
    `gis.frame.detect_frame`), faces touching the scan's edge and faces lying mostly outside
    the frame (legend boxes, title block) are off the map; without a frame every face is a
    zone, since the map runs to the scan's edge.

    Examples
    --------
    >>> faces = np.array([[1, 1, 1, 1], [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1]], np.int32)
    >>> outside_faces(faces, 2, None).tolist()
    [True, False, False]
    >>> outside_faces(faces, 2, Polygon([(1, 1), (3, 1), (3, 3), (1, 3)])).tolist()
    [True, True, False]
    """
    outside = np.zeros(count + 1, bool)
    outside[0] = True
    if frame is None:
        return outside
    edge = np.concatenate([faces[0], faces[-1], faces[:, 0], faces[:, -1]])
    outside[np.unique(edge)] = True
    inside = rasterize(
        [(frame, 1)], out_shape=faces.shape, transform=Affine.identity(), dtype=np.uint8
    ).view(bool)
    off = np.bincount(faces[~inside], minlength=count + 1)
    outside |= off > _OUTSIDE_SHARE * np.bincount(faces.ravel(), minlength=count + 1)
    return outside


def face_borders(faces: Faces, count: int) -> dict[tuple[int, int], int]:
    """Length in pixel edges of the border between each pair of touching faces (a < b).

    Examples
    --------
    >>> face_borders(np.array([[1, 1, 2], [1, 3, 2]], np.int32), 3)
    {(1, 2): 1, (1, 3): 2, (2, 3): 1}
    """
    keys: list[npt.NDArray[np.int64]] = []
    for a, b in ((faces[:, :-1], faces[:, 1:]), (faces[:-1], faces[1:])):
        differ = (a != b) & (a > 0) & (b > 0)
        first, second = a[differ].astype(np.int64), b[differ].astype(np.int64)
        keys.append(np.minimum(first, second) * (count + 1) + np.maximum(first, second))
    pairs, lengths = np.unique(np.concatenate(keys), return_counts=True)
    return {
        (int(k // (count + 1)), int(k % (count + 1))): int(n)
        for k, n in zip(pairs, lengths, strict=True)
    }
