"""Draw synthetic outline-only plan sheets: black zone boundaries and printed zone labels."""

from typing import Final

import numpy as np
import shapely
import shapely.affinity
from PIL import Image, ImageDraw, ImageFont
from shapely.geometry import Polygon

from gis.legend import Legend, parse_legend
from gis.types import FloatArray, RGBImage

OUTLINE_LABELS: Final = {
    "RES_A": "R1",
    "RES_B": "R2",
    "COM": "C",
    "IND": "M",
    "PUB": "P",
    "PARK": "G",
}
"""The label printed on outline sheets for each zone code of `gis.synthetic.PALETTE`."""

_BLACK = (20, 20, 20)
_PARCEL = (140, 140, 140)
_LINE_PX = 3
_TILT_SHARE = 0.3  # share of the labels printed at a small angle
_MAX_TILT_DEG = 12.0


def outline_legend(codes: tuple[tuple[str, str, str], ...]) -> Legend:
    """Legend of an outline sheet: ``"fill": false`` and a printed label per (code, ar, en).

    Examples
    --------
    >>> legend = outline_legend((("COM", "تجاري", "Commercial"),))
    >>> legend.entries[0].label, legend.entries[0].fill
    ('C', False)
    """
    return parse_legend(
        {
            "zones": [
                {"code": c, "label": OUTLINE_LABELS[c], "fill": False, "name": {"ar": ar, "en": en}}
                for c, ar, en in codes
            ]
        }
    )


def draw_outline(
    regions: list[tuple[str, Polygon]],
    height: int,
    width: int,
    pad: int,
    rng: np.random.Generator,
) -> RGBImage:
    """Draw the regions' boundaries, parcel lines, labels and plot numbers on white paper.

    The canvas is the frame grown by `pad` pixels of paper on every side; labels are sized
    to the sheet (about 1/24 of its shorter side, 22 to 72 pixels), printed once per region
    and again in large regions, some at a small angle.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> draw_outline([("COM", shapely.box(0, 0, 80, 60))], 60, 80, 4, rng).shape
    (68, 88, 3)
    """
    image = Image.new("RGB", (width + 2 * pad, height + 2 * pad), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    regions = [(code, shapely.affinity.translate(p, pad, pad)) for code, p in regions]
    size = int(np.clip(round(min(height, width) / 24), 22, 72))
    _parcels(draw, regions, rng, step=3.0 * size)
    for _, poly in regions:
        ring = _wobble(np.asarray(poly.exterior.coords), amplitude=0.8)
        draw.line([tuple(p - 0.5) for p in ring], fill=_BLACK, width=_LINE_PX, joint="curve")
    corners = np.array([(0, 0), (width, 0), (width, height), (0, height), (0, 0)]) + pad - 0.5
    draw.line([tuple(c) for c in corners], fill=_BLACK, width=_LINE_PX + 1, joint="curve")
    for _, poly in regions:
        _plot_numbers(draw, poly, rng, size)
    for code, poly in _faces(regions, size):
        for point in _label_points(poly, rng, size):
            tilt = rng.uniform(-_MAX_TILT_DEG, _MAX_TILT_DEG) if rng.random() < _TILT_SHARE else 0
            _text(image, point, OUTLINE_LABELS[code], size, tilt)
    return np.asarray(image, np.uint8)


def _faces(regions: list[tuple[str, Polygon]], size: int) -> list[tuple[str, Polygon]]:
    """Return the areas a reader sees as enclosed, with their codes.

    A neck narrower than the lines on both sides splits a region: each part needs a label.
    """
    faces = []
    for code, poly in regions:
        for part in shapely.get_parts(poly.buffer(-2 * _LINE_PX)):
            if part.area > 2 * size**2:
                faces.append((code, part))
    return faces


def _label_points(poly: Polygon, rng: np.random.Generator, size: int) -> list[shapely.Point]:
    """Return the representative point, and more points well inside large regions."""
    points = [poly.representative_point()]
    inner = poly.buffer(-1.5 * size)
    extra = int(poly.area // (600 * size**2))
    if inner.is_empty or extra == 0:
        return points
    minx, miny, maxx, maxy = inner.bounds
    for _ in range(20 * extra):
        point = shapely.Point(rng.uniform((minx, miny), (maxx, maxy)))
        if inner.contains(point) and min(point.distance(p) for p in points) > 8 * size:
            points.append(point)
            if len(points) > extra:
                break
    return points


def _text(image: Image.Image, point: shapely.Point, text: str, size: int, tilt: float) -> None:
    font = ImageFont.load_default(size=size)
    left, top, right, bottom = (round(v) for v in font.getbbox(text))
    mask = Image.new("L", (right - left + 8, bottom - top + 8), 0)
    ImageDraw.Draw(mask).text((4 - left, 4 - top), text, fill=255, font=font)
    if tilt:
        mask = mask.rotate(tilt, resample=Image.Resampling.BILINEAR, expand=True)
    corner = (round(point.x - mask.width / 2), round(point.y - mask.height / 2))
    image.paste(Image.new("RGB", mask.size, _BLACK), corner, mask)


def _plot_numbers(
    draw: ImageDraw.ImageDraw, poly: Polygon, rng: np.random.Generator, size: int
) -> None:
    font = ImageFont.load_default(size=max(9, size // 2))
    inner = poly.buffer(-size)
    if inner.is_empty:
        return
    minx, miny, maxx, maxy = inner.bounds
    for _ in range(int(poly.area // (150 * size**2))):
        x, y = rng.uniform((minx, miny), (maxx, maxy))
        if inner.contains(shapely.Point(x, y)):
            draw.text((x, y), str(rng.integers(10, 999)), fill=_BLACK, font=font, anchor="mm")


def _parcels(
    draw: ImageDraw.ImageDraw,
    regions: list[tuple[str, Polygon]],
    rng: np.random.Generator,
    *,
    step: float,
) -> None:
    """Thin grey parcel lines on a jittered grid inside each region, up to its boundary."""
    for _, poly in regions:
        inner = poly.buffer(-1)
        if inner.is_empty:
            continue
        minx, miny, maxx, maxy = poly.bounds
        spacing = step * rng.uniform(1.0, 1.6)
        lines = [((x, miny), (x, maxy)) for x in np.arange(minx + spacing, maxx, spacing)]
        lines += [((minx, y), (maxx, y)) for y in np.arange(miny + spacing, maxy, spacing)]
        for line in lines:
            piece = shapely.LineString(line).intersection(inner)
            for part in shapely.get_parts(piece):
                if isinstance(part, shapely.LineString) and not part.is_empty:
                    draw.line(list(part.coords), fill=_PARCEL, width=1)


def _wobble(coords: FloatArray, *, amplitude: float) -> FloatArray:
    """Densify a ring and displace it smoothly by position (a steady hand's drawing)."""
    xy = shapely.get_coordinates(shapely.segmentize(shapely.LineString(coords), 4.0))
    dx = amplitude * np.sin(xy[:, 1] / 17.0) * np.cos(xy[:, 0] / 37.0)
    dy = amplitude * np.sin(xy[:, 0] / 19.0) * np.cos(xy[:, 1] / 41.0)
    result: FloatArray = xy + np.column_stack([dx, dy])
    return result
