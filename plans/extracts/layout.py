"""Page geometry of an extract: paper, furniture boxes, the map frame and its true-scale extent.

All lengths on paper are millimetres from the bottom-left corner of the page; lengths on the
ground are metres of the storage CRS. The map frame of ``w`` mm shows exactly
``w / 1000 * scale`` metres, so a distance measured on the page printed at 100 % equals the
map distance divided by the scale.
"""

import math
from dataclasses import dataclass
from typing import NamedTuple

from plans.extracts.errors import ExtractInputError
from plans.extracts.options import STANDARD_SCALES, ExtractOptions, Orientation, Paper
from plans.extracts.records import Bounds

MM_PER_INCH = 25.4
POINTS_PER_MM = 72 / MM_PER_INCH
_PAPER_MM: dict[Paper, tuple[float, float]] = {"a4": (210.0, 297.0), "a3": (297.0, 420.0)}
RULES_BAND_MM = 25.0
"""Height of the rules band on A4 (scaled with the page)."""
_CONTEXT_FILL = 0.6  # with `auto`, a parcel may take at most this share of the frame each way


class Box(NamedTuple):
    """A rectangle on the page in millimetres: left, bottom, width, height."""

    x: float
    y: float
    w: float
    h: float

    def fraction(self, page_w: float, page_h: float) -> tuple[float, float, float, float]:
        """Return the box in figure fractions of a `page_w` x `page_h` mm page."""
        return (self.x / page_w, self.y / page_h, self.w / page_w, self.h / page_h)


@dataclass(frozen=True)
class PageLayout:
    """Where everything goes on the page, and which ground extent the map frame shows."""

    paper: Paper
    orientation: Orientation
    width_mm: float
    height_mm: float
    scale: int
    unit: float
    """Size factor of furniture and type relative to A4 (1.0 on A4, about 1.41 on A3)."""
    title: Box
    map: Box
    panel: Box
    footer: Box
    extent: Bounds

    @property
    def rules(self) -> Box:
        """The band under the map frame that holds the rules applying to the parcel."""
        return rules_band(self.map, self.unit)

    @property
    def ground_per_mm(self) -> float:
        """Metres of ground per millimetre of paper."""
        return self.scale / 1000


def paper_size_mm(paper: Paper, orientation: Orientation) -> tuple[float, float]:
    """Return the page width and height in mm.

    Examples
    --------
    >>> paper_size_mm("a4", "landscape")
    (297.0, 210.0)
    """
    short, long = _PAPER_MM[paper]
    return (short, long) if orientation == "portrait" else (long, short)


def rules_band(map_box: Box, unit: float) -> Box:
    """Return the rules band: as wide as the map frame, just below it."""
    height = RULES_BAND_MM * unit
    return Box(map_box.x, map_box.y - 3.0 * unit - height, map_box.w, height)


def frame_boxes(paper: Paper, orientation: Orientation) -> tuple[Box, Box, Box, Box, float]:
    """Return the title, map, panel and footer boxes and the size unit of a page."""
    width, height = paper_size_mm(paper, orientation)
    unit = min(width, height) / 210.0
    margin, gap = 10.0, 3.0 * unit
    title_h, footer_h = 20.0 * unit, 9.0 * unit
    footer = Box(margin, margin, width - 2 * margin, footer_h)
    title = Box(margin, height - margin - title_h, width - 2 * margin, title_h)
    body_y = margin + footer_h + gap
    body_h = title.y - gap - body_y
    if orientation == "portrait":
        panel_h = 72.0 * unit
        panel = Box(margin, body_y, width - 2 * margin, panel_h)
        map_y = body_y + panel_h + gap + RULES_BAND_MM * unit + gap
        map_box = Box(margin, map_y, width - 2 * margin, math.floor(title.y - gap - map_y))
    else:
        panel_w = 80.0 * unit
        map_w = math.floor(width - 2 * margin - gap - panel_w)
        band = RULES_BAND_MM * unit + gap
        map_box = Box(margin, body_y + band, map_w, math.floor(body_h - band))
        panel = Box(width - margin - panel_w, body_y, panel_w, body_h)
    return title, map_box, panel, footer, unit


def page_layout(options: ExtractOptions, focus: Bounds, *, context: bool) -> PageLayout:
    """Return the layout of a page centred on `focus` at the chosen (or automatic) scale.

    Parameters
    ----------
    options
        Paper, orientation and scale (``"auto"`` picks the largest standard scale that fits).
    focus
        Bounds of the parcel or area the page is centred on, in metres.
    context
        True for a parcel: ``auto`` then leaves room around it for its neighbours.

    Raises
    ------
    ExtractInputError
        When `focus` does not fit the map frame at the chosen scale, or at any standard scale.
    """
    title, map_box, panel, footer, unit = frame_boxes(options.paper, options.orientation)
    size = (focus[2] - focus[0], focus[3] - focus[1])
    scale = (
        choose_scale(size, map_box, fill=_CONTEXT_FILL if context else 1.0, options=options)
        if options.scale == "auto"
        else _check_fit(size, map_box, options.scale, options)
    )
    half_w, half_h = map_box.w * scale / 2000, map_box.h * scale / 2000
    cx, cy = (focus[0] + focus[2]) / 2, (focus[1] + focus[3]) / 2
    width, height = paper_size_mm(options.paper, options.orientation)
    return PageLayout(
        paper=options.paper,
        orientation=options.orientation,
        width_mm=width,
        height_mm=height,
        scale=scale,
        unit=unit,
        title=title,
        map=map_box,
        panel=panel,
        footer=footer,
        extent=(cx - half_w, cy - half_h, cx + half_w, cy + half_h),
    )


def choose_scale(
    size: tuple[float, float], map_box: Box, *, fill: float, options: ExtractOptions
) -> int:
    """Return the largest standard scale (smallest denominator) at which `size` fits.

    `size` (metres) fits when it takes at most `fill` of the frame's ground width and height.
    """
    for scale in STANDARD_SCALES:
        if _fits(size, map_box, scale, fill):
            return scale
    raise ExtractInputError(
        f"the area ({_metres(size)}) does not fit a {_page(options)} map frame even at "
        f"1:{STANDARD_SCALES[-1]} ({_frame(map_box, STANDARD_SCALES[-1])}); use --paper a3 "
        "or a smaller area"
    )


def _check_fit(size: tuple[float, float], map_box: Box, scale: int, options: ExtractOptions) -> int:
    if _fits(size, map_box, scale, 1.0):
        return scale
    larger = [s for s in STANDARD_SCALES if s > scale and _fits(size, map_box, s, 1.0)]
    hint = f"use --scale {larger[0]} or auto" if larger else "use --paper a3 or a smaller area"
    raise ExtractInputError(
        f"the area ({_metres(size)}) does not fit a {_page(options)} map frame at 1:{scale} "
        f"({_frame(map_box, scale)}); {hint}"
    )


def _fits(size: tuple[float, float], map_box: Box, scale: int, fill: float) -> bool:
    return size[0] <= fill * map_box.w * scale / 1000 and size[1] <= fill * map_box.h * scale / 1000


def _metres(size: tuple[float, float]) -> str:
    return f"{size[0]:,.0f} m x {size[1]:,.0f} m"


def _frame(map_box: Box, scale: int) -> str:
    ground = (map_box.w * scale / 1000, map_box.h * scale / 1000)
    return f"{map_box.w:.0f} mm x {map_box.h:.0f} mm = {_metres(ground)}"


def _page(options: ExtractOptions) -> str:
    return f"{options.paper.upper()} {options.orientation}"
