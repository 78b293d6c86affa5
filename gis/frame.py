"""Find a scanned sheet's map frame: the rectangle of long lines around the map itself.

Outside the frame lie the legend (swatches in the zones' own colours), the title block, the
north arrow, stamps and margins; digitising only inside the frame keeps them out of the
zones. The search runs on a small overview of the sheet's dark ink: the skew is the angle
that makes the ink's row and column projections sharpest; long straight lines are runs of
ink along the deskewed rows and columns; the frame is the largest rectangle whose four sides
are such lines and which holds most of the printed content (of a double frame, the inner
line). No rectangle means no frame, and the whole sheet is the map.
"""

from dataclasses import dataclass
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt
from affine import Affine
from rasterio.features import rasterize
from scipy import ndimage
from shapely.geometry import Polygon

from gis.raster import ArrayScan, Scan, iter_windows
from gis.types import FRAME_MODES, FloatArray, FrameMode, LabelArray, RGBImage, Window

OVERVIEW_SIDE: Final = 1200
"""Longest side of the ink overview the frame is searched on, pixels."""

_COVER: Final = 0.7  # share of a rectangle's side that its line must cover
_DOUBLE: Final = 0.02  # a parallel line this close inside (share of the side) is the inner one
_CONTENT: Final = 0.6  # share of the printed content the frame must hold
_MAX_LINES: Final = 12  # longest lines per direction tried as rectangle sides
_MAX_POINTS: Final = 300_000  # ink pixels used to measure the skew
_LINE_CELLS: Final = 7  # lines are thinner than this many overview cells
_INK_CONTRAST: Final = 0.3  # ink is this much (of paper minus darkest) darker than around it
_INK_DARK: Final = 0.5  # or the rim of what is darker than halfway to paper (fills, faded too)


@dataclass(frozen=True, eq=False)
class MapFrame:
    """A map frame found on a scan.

    Attributes
    ----------
    corners
        (4, 2) pixel coordinates x, y of the top-left, top-right, bottom-right and
        bottom-left corners (pixel (0, 0) is the top-left corner of the top-left pixel).
    angle_deg
        Skew of the frame's top side from the pixel rows, degrees (positive clockwise).
    """

    corners: FloatArray
    angle_deg: float

    @property
    def polygon(self) -> Polygon:
        """The frame as a polygon in pixel coordinates."""
        return Polygon(self.corners)

    def mask(self, window: Window) -> npt.NDArray[np.bool_]:
        """Return True for the pixels of a (step 1) `window` whose centres are inside."""
        rows, cols = window
        inside: npt.NDArray[np.bool_] = rasterize(
            [(self.polygon, 1)],
            out_shape=(rows.stop - rows.start, cols.stop - cols.start),
            transform=Affine.translation(cols.start, rows.start),
            dtype=np.uint8,
        ).astype(bool)
        return inside

    def to_report(self) -> dict[str, Any]:
        """Return the frame as JSON-ready corners (pixels) and skew."""
        return {"corners_px": self.corners.round(1).tolist(), "angle_deg": round(self.angle_deg, 3)}


class _Line(NamedTuple):
    pos: float  # across the line (deskewed row of a horizontal line, column of a vertical)
    start: float  # along the line
    stop: float


class _Overview(NamedTuple):
    ink: npt.NDArray[np.bool_]  # dark ink (lines, text), one cell per `factor` pixels square
    content: npt.NDArray[np.bool_]  # anything printed (ink and fills)
    factor: int


def detect_frame(
    scan: Scan | RGBImage,
    *,
    min_side: float = 0.3,
    max_angle_deg: float = 5.0,
    overview_side: int = OVERVIEW_SIDE,
) -> MapFrame | None:
    """Find the map frame of a scan, or None when the sheet has none.

    Parameters
    ----------
    scan
        An opened scan (`gis.raster.open_scan`) or an RGB array.
    min_side
        Shortest frame side, as a share of the sheet's width or height.
    max_angle_deg
        Largest skew looked for.
    overview_side
        Longest side of the overview searched; larger scans are reduced to it.

    Returns
    -------
    MapFrame or None
        The largest rectangle of long straight lines that holds most of the printed content
        (of a double line, the inner one); None if there is none.

    Notes
    -----
    Reads the scan once, window by window, into an overview of about `overview_side`
    squared cells (ink is kept by taking the darkest pixel of each cell), so memory is
    small whatever the scan's size. Corners are accurate to about one overview cell:
    one pixel up to `overview_side`, three for a sheet three times larger.

    Examples
    --------
    >>> sheet = np.full((120, 160, 3), 250, np.uint8)
    >>> sheet[20:100, 30:130] = (240, 200, 120)  # the map's colours
    >>> sheet[20:23, 30:130] = sheet[97:100, 30:130] = 20  # its frame
    >>> sheet[20:100, 30:33] = sheet[20:100, 127:130] = 20
    >>> detect_frame(sheet).corners.round(1).tolist()
    [[31.5, 21.5], [128.5, 21.5], [128.5, 98.5], [31.5, 98.5]]
    >>> detect_frame(np.full((120, 160, 3), 250, np.uint8)) is None
    True
    """
    if not 0 < min_side <= 1 or max_angle_deg < 0 or overview_side < 16:
        raise ValueError(
            "expected 0 < min_side <= 1, max_angle_deg >= 0 and overview_side >= 16, got "
            f"min_side={min_side}, max_angle_deg={max_angle_deg}, overview_side={overview_side}"
        )
    source = ArrayScan(scan) if isinstance(scan, np.ndarray) else scan
    overview = _overview(source, overview_side)
    ys, xs = np.nonzero(overview.ink)
    if len(xs) < 10:
        return None
    angle = _skew(xs, ys, max_angle_deg)
    cos, sin = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    u, v = xs * cos + ys * sin, -xs * sin + ys * cos
    height, width = overview.ink.shape
    rows = _lines(v, u, min_side * width)
    cols = _lines(u, v, min_side * height)
    box = _choose(rows, cols, overview, (cos, sin), min_side)
    if box is None:
        return None
    left, top, right, bottom = box
    deskewed = np.array([(left, top), (right, top), (right, bottom), (left, bottom)])
    xy = deskewed @ np.array([[cos, sin], [-sin, cos]])
    corners = (xy + 0.5) * overview.factor
    return MapFrame(corners, float(angle))


def find_frame(scan: Scan, mode: FrameMode) -> MapFrame | None:
    """Return the scan's map frame for ``auto``, None for ``none``.

    Examples
    --------
    >>> find_frame(ArrayScan(np.zeros((4, 4, 3), np.uint8)), "none") is None
    True
    """
    if mode not in FRAME_MODES:
        raise ValueError(f"frame must be one of {FRAME_MODES}, got {mode!r}")
    return detect_frame(scan) if mode == "auto" else None


def clear_outside(labels: LabelArray, frame: MapFrame) -> None:
    """Set the labels of pixels outside the frame to 0 (off the map), in place.

    In place, strip by strip, so no second sheet-sized raster is made.

    Examples
    --------
    >>> labels = np.ones((4, 6), np.uint8)
    >>> frame = MapFrame(np.array([[0, 0], [3, 0], [3, 4], [0, 4]], float), 0.0)
    >>> clear_outside(labels, frame)
    >>> labels.sum(axis=0).tolist()
    [4, 4, 4, 0, 0, 0]
    """
    for core, _ in iter_windows(labels.shape):
        labels[core][~frame.mask(core)] = 0


def _overview(scan: Scan, side: int) -> _Overview:
    """Darkest value and strongest colour of each `factor` square cell: ink and content."""
    height, width = scan.shape
    factor = max(1, int(np.ceil(max(height, width) / side)))
    cells = (-(-height // factor), -(-width // factor))
    darkest = np.empty(cells, np.uint8)
    colourful = np.empty(cells, np.uint8)
    samples = []
    for core, _ in iter_windows(scan.shape, rows=factor * max(1, 2048 // factor)):
        block = scan.read(core)
        first = core[0].start // factor
        # channel by channel: a reduction over the short last axis is ~20x slower
        red, green, blue = block[..., 0], block[..., 1], block[..., 2]
        value = np.maximum(np.maximum(red, green), blue)
        chroma = value - np.minimum(np.minimum(red, green), blue)
        stop = first + -(-len(block) // factor)
        darkest[first:stop] = _pool(value, factor, cells, 255, np.minimum)
        colourful[first:stop] = _pool(chroma, factor, cells, 0, np.maximum)
        samples.append(value[::factor, ::factor].ravel())
    paper_level, dark_level = np.percentile(np.concatenate(samples), [90, 0.5])
    # Lines are thin and darker than what lies either side of them, faded or not; fills are
    # not. A black top-hat keeps the first and drops the second. A line printed along a
    # dark fill (faded or not) is part of the fill's rim: the rim is kept, the inside not.
    tophat = ndimage.grey_closing(darkest, size=(_LINE_CELLS, _LINE_CELLS)) - darkest
    contrast = paper_level - dark_level
    ink = (tophat > _INK_CONTRAST * contrast) | _rim(darkest < dark_level + _INK_DARK * contrast)
    content = (darkest < paper_level - 25) | (colourful > 40)
    return _Overview(ink, content, factor)


def _rim(dark: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Cells of dark areas next to a cell that is not (8-connected).

    One cell wide, so that a frame printed along a fill is found at its outer edge: a frame
    found too far out loses nothing of the map, one found too far in does.
    """
    inner = ndimage.binary_erosion(dark, structure=np.ones((3, 3), bool), border_value=1)
    rim: npt.NDArray[np.bool_] = dark & ~inner
    return rim


def _pool(
    values: npt.NDArray[np.uint8],
    factor: int,
    cells: tuple[int, int],
    fill: int,
    reduce: np.ufunc,
) -> npt.NDArray[np.uint8]:
    """Reduce `factor` square blocks of a strip with `reduce`, padding with `fill`.

    Rows first (a reduction over whole contiguous rows), then the `factor` interleaved
    columns pairwise: both are fast, unlike one reduction over two strided axes.
    """
    rows, cols = values.shape
    padded = np.full((-(-rows // factor) * factor, cells[1] * factor), fill, np.uint8)
    padded[:rows, :cols] = values
    by_rows = reduce.reduce(padded.reshape(-1, factor, padded.shape[1]), axis=1)
    pooled: npt.NDArray[np.uint8] = by_rows[:, 0::factor].copy()
    for offset in range(1, factor):
        reduce(pooled, by_rows[:, offset::factor], out=pooled)
    return pooled


def _skew(xs: npt.NDArray[np.intp], ys: npt.NDArray[np.intp], max_angle: float) -> float:
    """Angle (degrees) that makes the ink's row and column projections sharpest."""
    step = max(1, len(xs) // _MAX_POINTS)
    x, y = xs[::step].astype(float), ys[::step].astype(float)

    def sharpness(angle: float) -> float:
        cos, sin = np.cos(np.radians(angle)), np.sin(np.radians(angle))
        rows, cols = _profile(-x * sin + y * cos), _profile(x * cos + y * sin)
        return float(np.dot(rows, rows) + np.dot(cols, cols))

    best = 0.0
    for spacing in (0.25, 0.02):
        span = max_angle if spacing == 0.25 else 0.24  # a whole number of fine steps
        angles = np.arange(best - span, best + span + spacing / 2, spacing)
        best = float(max(angles, key=sharpness))
    return best


def _profile(positions: FloatArray) -> FloatArray:
    """Projection of points on an axis, each split between its two nearest bins (no aliasing)."""
    floor = np.floor(positions)
    share = positions - floor
    bins = (floor - floor.min()).astype(np.intp)
    size = int(bins.max()) + 2
    profile = np.bincount(bins, 1 - share, size) + np.bincount(bins + 1, share, size)
    weighted: FloatArray = profile.astype(np.float64, copy=False)
    return weighted


def _lines(across: FloatArray, along: FloatArray, min_length: float) -> list[_Line]:
    """Long straight runs of ink at constant `across` (rows of a deskewed overview)."""
    offset = np.floor(across.min())
    bins = np.round(across - offset).astype(np.intp)
    counts = np.bincount(bins)
    # A line stands out of what lies beside it; a band of hatching or a solid fill does not.
    beside = ndimage.median_filter(counts, size=3 * _LINE_CELLS, mode="constant")
    candidate = (counts >= 0.25 * min_length) & (counts >= 2 * beside)
    lines = []
    for start, stop in _runs(candidate, gap=0):
        in_group = (bins >= start) & (bins < stop)
        run = _longest_run(along[in_group], gap=max(3, int(0.02 * min_length)))
        if run[1] - run[0] >= min_length:
            group = counts[start:stop].astype(float)
            strong = np.where(group >= 0.5 * group.max(), group, 0.0)
            pos = float(np.average(np.arange(start, stop), weights=strong)) + offset
            lines.append(_Line(pos, *run))
    lines.sort(key=lambda line: line.stop - line.start, reverse=True)
    return sorted(lines[:_MAX_LINES])


def _runs(flags: npt.NDArray[np.bool_], *, gap: int) -> list[tuple[int, int]]:
    """(start, stop) of the runs of True, joining runs separated by at most `gap` False."""
    index = np.flatnonzero(flags)
    if len(index) == 0:
        return []
    breaks = np.flatnonzero(np.diff(index) > gap + 1)
    starts = np.concatenate([[index[0]], index[breaks + 1]])
    stops = np.concatenate([index[breaks], [index[-1]]]) + 1
    return [(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def _longest_run(positions: FloatArray, *, gap: int) -> tuple[float, float]:
    if len(positions) == 0:
        return 0.0, 0.0
    offset = np.floor(positions.min())
    occupied = np.bincount(np.round(positions - offset).astype(np.intp)) > 0
    start, stop = max(_runs(occupied, gap=gap), key=lambda run: run[1] - run[0])
    return start + offset, stop + offset


def _choose(
    rows: list[_Line],
    cols: list[_Line],
    overview: _Overview,
    rotation: tuple[float, float],
    min_side: float,
) -> tuple[float, float, float, float] | None:
    """Pick the largest rectangle of covering lines holding most content (inner of doubles)."""
    height, width = overview.ink.shape
    boxes = [
        (left, top, right, bottom)
        for i, top in enumerate(rows)
        for bottom in rows[i + 1 :]
        if bottom.pos - top.pos >= min_side * height
        for j, left in enumerate(cols)
        for right in cols[j + 1 :]
        if right.pos - left.pos >= min_side * width
        and all(_covers(line, left.pos, right.pos) for line in (top, bottom))
        and all(_covers(line, top.pos, bottom.pos) for line in (left, right))
    ]
    boxes.sort(key=lambda b: (b[2].pos - b[0].pos) * (b[3].pos - b[1].pos), reverse=True)
    for left, top, right, bottom in boxes:
        box = _inner(rows, cols, (left.pos, top.pos, right.pos, bottom.pos))
        if _holds_content(overview.content, box, rotation) >= _CONTENT:
            return box
    return None


def _covers(line: _Line, start: float, stop: float) -> bool:
    overlap = min(line.stop, stop) - max(line.start, start)
    return overlap >= _COVER * (stop - start)


def _inner(
    rows: list[_Line], cols: list[_Line], box: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """Move each side to the nearest parallel covering line just inside it (double frames)."""
    left, top, right, bottom = box
    gap = _DOUBLE * min(right - left, bottom - top)
    tops = [r.pos for r in rows if top < r.pos <= top + gap and _covers(r, left, right)]
    bottoms = [r.pos for r in rows if bottom - gap <= r.pos < bottom and _covers(r, left, right)]
    lefts = [c.pos for c in cols if left < c.pos <= left + gap and _covers(c, top, bottom)]
    rights = [c.pos for c in cols if right - gap <= c.pos < right and _covers(c, top, bottom)]
    return (
        min(lefts, default=left),
        min(tops, default=top),
        max(rights, default=right),
        max(bottoms, default=bottom),
    )


def _holds_content(
    content: npt.NDArray[np.bool_],
    box: tuple[float, float, float, float],
    rotation: tuple[float, float],
) -> float:
    """Share of the printed cells that lie inside the (deskewed) box."""
    ys, xs = np.nonzero(content)
    if len(xs) == 0:
        return 0.0
    cos, sin = rotation
    u, v = xs * cos + ys * sin, -xs * sin + ys * cos
    left, top, right, bottom = np.add(box, (-2, -2, 2, 2))  # the frame line itself is inside
    inside = (u >= left) & (u <= right) & (v >= top) & (v <= bottom)
    return float(inside.mean())
