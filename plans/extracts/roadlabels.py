"""Road labels on the map: the measured width of each road a parcel edge fronts, and its name.

Widths come from the permit engine's edge typing (`plans.edges.type_edges`): rays cast square
to a front edge across the road zone. The label sits in the middle of the road, in front of the
edge's midpoint, turned along the edge so it reads along the street.
"""

import math
from collections.abc import Sequence
from typing import Any

import shapely
from matplotlib.axes import Axes
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from plans.edges import ParcelEdge, type_edges
from plans.extracts.layout import PageLayout
from plans.extracts.options import Digits, Lang
from plans.extracts.records import RoadLabel
from plans.extracts.text import font_for, to_digits

ROAD_COLOUR = "#4e342e"
NAME_KEYS: dict[str, tuple[str, ...]] = {
    "ar": ("name_ar", "name", "road_name"),
    "en": ("name_en", "name", "road_name"),
}
"""Zone attributes that may hold a road's name, by language, most specific first."""


def road_name(attributes: dict[str, Any] | None, lang: Lang) -> str | None:
    """Return the road's name in `lang` from its zone attributes (both names for ``ar+en``).

    Examples
    --------
    >>> road_name({"name_ar": "شارع الملك فهد", "name_en": "King Fahd Rd"}, "en")
    'King Fahd Rd'
    >>> road_name({}, "ar") is None
    True
    """
    attributes = attributes or {}
    found = []
    for language in ("ar", "en") if lang == "ar+en" else (lang,):
        value = next((attributes[key] for key in NAME_KEYS[language] if attributes.get(key)), None)
        if value is not None and str(value) not in found:
            found.append(str(value))
    return " / ".join(found) or None


def road_labels(
    parcel: BaseGeometry, roads: Sequence[tuple[str | None, BaseGeometry]]
) -> tuple[RoadLabel, ...]:
    """Return a label for each front edge of `parcel` whose street width could be measured.

    `roads` are (name, geometry) of the road zones around the parcel, in the same metric CRS.

    Examples
    --------
    >>> from shapely import box
    >>> label = road_labels(box(0, 0, 30, 40), [("Main St", box(-10, -12, 40, 0))])[0]
    >>> (label.x, label.y, label.width_m, label.name)
    (15.0, -6.0, 12.0, 'Main St')
    """
    polygon = _largest_polygon(parcel)
    if polygon is None or not roads:
        return ()
    geometries = [geom for _, geom in roads]
    labels = []
    for edge in type_edges(polygon, geometries):
        if edge.kind == "front" and edge.street_width_m is not None:
            labels.append(_label(edge, edge.street_width_m, roads))
    return tuple(labels)


def _label(
    edge: ParcelEdge, width: float, roads: Sequence[tuple[str | None, BaseGeometry]]
) -> RoadLabel:
    middle = edge.line.interpolate(0.5, normalized=True)
    x, y = middle.x + edge.outward[0] * width / 2, middle.y + edge.outward[1] * width / 2
    centre = Point(x, y)
    name = min(roads, key=lambda road: road[1].distance(centre))[0]
    (x0, y0), (x1, y1) = edge.line.coords
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    if angle > 90:
        angle -= 180
    elif angle <= -90:
        angle += 180
    return RoadLabel(x=x, y=y, angle_deg=round(angle, 3), width_m=width, name=name)


def _largest_polygon(geom: BaseGeometry) -> Polygon | None:
    polygons = [part for part in shapely.get_parts(geom) if isinstance(part, Polygon)]
    return max(polygons, key=lambda part: part.area) if polygons else None


def road_text(road: RoadLabel, *, lang: Lang, digits: Digits) -> str:
    """Return the label's text: the name (when known) and the width, e.g. ``Main St 12 m``.

    Examples
    --------
    >>> road_text(RoadLabel(0, 0, 0, 12.0, None), lang="ar", digits="arabic")
    '١٢ م'
    """
    unit = "م" if lang == "ar" else "m"
    width = (
        "" if road.width_m is None else to_digits(f"{road.width_m:.1f}".removesuffix(".0"), digits)
    )
    figure = f"{width} {unit}" if width else ""
    return "  ".join(part for part in (road.name, figure) if part)


def draw_road_labels(
    ax: Axes,
    roads: Sequence[RoadLabel],
    layout: PageLayout,
    *,
    lang: Lang,
    digits: Digits,
    halo: Sequence[Any],
) -> None:
    """Write each road label on the map, turned along its road."""
    minx, miny, maxx, maxy = layout.extent
    for road in roads:
        if not (minx < road.x < maxx and miny < road.y < maxy):
            continue
        text = road_text(road, lang=lang, digits=digits)
        ax.text(road.x, road.y, text, rotation=road.angle_deg, rotation_mode="anchor",
                ha="center", va="center", fontsize=6.0 * layout.unit, style="italic",
                color=ROAD_COLOUR, family=font_for(text), path_effects=list(halo),
                zorder=7)  # fmt: skip
