"""The map frame of an extract: zones, parcels and their numbers, grid, north arrow, scale bar.

Everything is drawn in ground coordinates on axes whose limits are the layout's extent, so the
frame is at true scale; sizes meant in millimetres on paper are converted with the scale.
Polygons of one zone code are one collection (one draw call), as are all parcel outlines.
"""

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.patches import Rectangle
from matplotlib.path import Path
from shapely.geometry.base import BaseGeometry

from plans.extracts.layout import POINTS_PER_MM, PageLayout
from plans.extracts.options import Digits, Lang
from plans.extracts.records import Bounds, ExtractContent
from plans.extracts.roadlabels import draw_road_labels
from plans.extracts.text import font_for, label, to_digits
from plans.symbology import PARCEL_OUTLINE, style_for

SUBJECT_COLOUR = "#c62828"
HATCHES = {"none": None, "diagonal": "////", "cross": "xxx", "dots": ".."}
_GRID_STEPS = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000)
_BAR_STEPS = (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
_HALO = [patheffects.withStroke(linewidth=1.6, foreground="white")]


def geometry_path(geom: BaseGeometry) -> Path | None:
    """Return one compound path of every polygon ring in `geom` (None when it has none)."""
    vertices, codes = [], []
    for part in shapely.get_parts(geom):
        if part.geom_type not in ("Polygon", "MultiPolygon") or part.is_empty:
            continue
        for polygon in shapely.get_parts(part):
            for ring in (polygon.exterior, *polygon.interiors):
                xy = np.asarray(ring.coords)
                ring_codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
                ring_codes[0], ring_codes[-1] = Path.MOVETO, Path.CLOSEPOLY
                vertices.append(xy)
                codes.append(ring_codes)
    if not vertices:
        return None
    return Path(np.concatenate(vertices), np.concatenate(codes))


def visible_zone_codes(content: ExtractContent, extent: Bounds) -> list[str]:
    """Return the zone codes with some area inside `extent`, sorted (the legend's entries)."""
    frame = shapely.box(*extent)
    return sorted(
        {code for code, geom in content.features.zones if geom.intersection(frame).area > 0}
    )


def draw_map(
    fig: Figure,
    content: ExtractContent,
    layout: PageLayout,
    *,
    lang: Lang,
    digits: Digits = "latin",
) -> Axes:
    """Add the map frame to `fig` and return its axes (limits = the layout's extent)."""
    ax = fig.add_axes(layout.map.fraction(layout.width_mm, layout.height_mm))
    ax.set_xlim(layout.extent[0], layout.extent[2])
    ax.set_ylim(layout.extent[1], layout.extent[3])
    ax.set_autoscale_on(False)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
    frame = shapely.box(*layout.extent)
    _draw_zones(ax, content.features.zones, frame)
    _draw_parcels(ax, content, layout, frame)
    draw_road_labels(ax, content.roads, layout, lang=lang, digits=digits, halo=_HALO)
    _draw_grid(ax, layout)
    _draw_north_arrow(ax, layout, lang)
    _draw_scale_bar(ax, layout, lang, digits)
    return ax


def _draw_zones(ax: Axes, zones: Iterable[tuple[str, BaseGeometry]], frame: BaseGeometry) -> None:
    by_code: dict[str, list[Path]] = {}
    for code, geom in zones:
        path = geometry_path(shapely.clip_by_rect(geom, *frame.bounds))
        if path is not None:
            by_code.setdefault(code, []).append(path)
    for code, paths in sorted(by_code.items()):
        style = style_for(code)
        collection = PathCollection(
            paths,
            facecolors=style.fill,
            edgecolors=style.outline,
            linewidths=0.3,
            hatch=HATCHES[style.hatch],
            zorder=1,
        )
        collection.set_hatch_linewidth(0.3)
        ax.add_collection(collection, autolim=False)


def _draw_parcels(
    ax: Axes, content: ExtractContent, layout: PageLayout, frame: BaseGeometry
) -> None:
    paths = [
        geometry_path(shapely.clip_by_rect(g, *frame.bounds)) for _, g in content.features.parcels
    ]
    outlines = [path for path in paths if path is not None]
    ax.add_collection(
        PathCollection(
            outlines, facecolors="none", edgecolors=PARCEL_OUTLINE, linewidths=0.35, zorder=2
        ),
        autolim=False,
    )
    min_area = (12.0 * layout.ground_per_mm) ** 2  # numbers only where the plot is >= 12x12 mm
    size = 5.5 * layout.unit
    for number, geom in content.features.parcels:
        if number == content.parcel_number or geom.area < min_area:
            continue
        point = geom.representative_point()
        if frame.contains(point):
            ax.text(
                point.x,
                point.y,
                number,
                fontsize=size,
                color="#424242",
                ha="center",
                va="center",
                family=font_for(number),
                zorder=4,
            )
    if content.subject is not None:
        _draw_subject(ax, content.subject, content.parcel_number or "", layout)


def _draw_subject(ax: Axes, subject: BaseGeometry, number: str, layout: PageLayout) -> None:
    path = geometry_path(subject)
    if path is None:
        return
    ax.add_collection(
        PathCollection(
            [path], facecolors="none", edgecolors=SUBJECT_COLOUR, linewidths=1.8, zorder=5
        ),
        autolim=False,
    )
    point = subject.representative_point()
    width_mm = (subject.bounds[2] - subject.bounds[0]) / layout.ground_per_mm
    fitting = 0.9 * width_mm / (0.62 * max(len(number), 1) / POINTS_PER_MM)
    ax.text(
        point.x,
        point.y,
        number,
        fontsize=max(min(9 * layout.unit, fitting), 5.0),
        weight="bold",
        color=SUBJECT_COLOUR,
        ha="center",
        va="center",
        family=font_for(number),
        path_effects=_HALO,
        zorder=6,
    )


def nice_step(target: float, steps: Sequence[int]) -> int:
    """Return the smallest of `steps` at least `target` (the largest when none is).

    Examples
    --------
    >>> nice_step(42.0, (10, 20, 50, 100))
    50
    """
    return next((step for step in steps if step >= target), steps[-1])


def _draw_grid(ax: Axes, layout: PageLayout) -> None:
    minx, miny, maxx, maxy = layout.extent
    step = nice_step(35.0 * layout.ground_per_mm, _GRID_STEPS)
    xs = np.arange(np.ceil(minx / step) * step, maxx, step)
    ys = np.arange(np.ceil(miny / step) * step, maxy, step)
    lines = [[(x, miny), (x, maxy)] for x in xs] + [[(minx, y), (maxx, y)] for y in ys]
    ax.add_collection(
        LineCollection(
            lines, colors="#37474f", linewidths=0.25, linestyles=(0, (4, 3)), alpha=0.7, zorder=3
        ),
        autolim=False,
    )
    pad = 1.2 * layout.ground_per_mm
    style: dict[str, Any] = {
        "fontsize": 5.0 * layout.unit,
        "color": "#263238",
        "family": list(font_for("0")),
        "path_effects": _HALO,
        "zorder": 7,
    }
    clear = 12 * layout.ground_per_mm  # keep labels off the corner and the scale bar
    bar_start = _scale_bar(layout)[0] - clear
    for x in xs:
        if minx + clear < x < bar_start:
            ax.text(x, miny + pad, _coordinate(x), ha="center", va="bottom", **style)
    for y in ys:
        if miny + clear < y < maxy - clear:
            ax.text(minx + pad, y, _coordinate(y), ha="left", va="center", rotation=90, **style)


def _coordinate(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _draw_north_arrow(ax: Axes, layout: PageLayout, lang: Lang) -> None:
    mm = layout.ground_per_mm
    x, y = layout.extent[2] - 10 * mm, layout.extent[3] - 20 * mm
    half, height = 3.2 * mm, 11 * mm
    for side, colour in ((-half, "black"), (half, "white")):
        triangle = [(x + side, y), (x, y + height), (x, y + 3 * mm)]
        ax.add_patch(PolygonPatch(triangle, facecolor=colour, edgecolor="black", lw=0.5, zorder=8))
    letter = label("north", lang)[-1]
    note = " / ".join(label("grid_north", lang))
    style: dict[str, Any] = {"ha": "center", "path_effects": _HALO, "zorder": 8}
    ax.text(x, y + height + 1.0 * mm, letter, va="bottom", weight="bold",
            fontsize=9 * layout.unit, family=font_for(letter), **style)  # fmt: skip
    ax.text(x, y - 1.2 * mm, note, va="top", fontsize=4.5 * layout.unit,
            family=font_for(note), **style)  # fmt: skip


def _scale_bar(layout: PageLayout) -> tuple[float, float, int]:
    """Return the scale bar's left end, baseline and length in metres (about 1/5 of the frame)."""
    mm = layout.ground_per_mm
    length = nice_step((layout.extent[2] - layout.extent[0]) / 5, _BAR_STEPS)
    return layout.extent[2] - 8 * mm - length, layout.extent[1] + 6 * mm, length


def _draw_scale_bar(ax: Axes, layout: PageLayout, lang: Lang, digits: Digits) -> None:
    mm = layout.ground_per_mm
    x0, y0, length = _scale_bar(layout)
    ax.add_patch(Rectangle((x0 - 4 * mm, y0 - 4.5 * mm), length + 8 * mm, 14 * mm,
                           facecolor="white", edgecolor="none", alpha=0.85, zorder=8))  # fmt: skip
    for i in range(4):
        fill = "black" if i % 2 == 0 else "white"
        ax.add_patch(Rectangle((x0 + i * length / 4, y0), length / 4, 1.6 * mm, lw=0.4,
                               facecolor=fill, edgecolor="black", zorder=9))  # fmt: skip
    unit = label("metres", lang)[0] if lang == "ar" else "m"
    for value in (0, length // 2, length):
        text = to_digits(f"{value} {unit}" if value == length else str(value), digits)
        ax.text(x0 + value, y0 - 0.8 * mm, text, ha="center", va="top",
                fontsize=5.5 * layout.unit, family=font_for(text), zorder=9)  # fmt: skip
    scale = to_digits(f"1:{layout.scale}", digits)
    ax.text(x0 + length / 2, y0 + 2.6 * mm, scale, ha="center", va="bottom",
            fontsize=7 * layout.unit, weight="bold", family=font_for(scale), zorder=9)  # fmt: skip
