"""Synthetic black-and-white pattern sheets: hatching, cross-hatch, dots, solid, plain paper."""

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import shapely
import shapely.affinity
import shapely.ops
from PIL import Image, ImageDraw, ImageFont
from rasterio.features import rasterize
from scipy import ndimage
from shapely.geometry import Polygon

from gis.legend import Legend, parse_legend
from gis.types import FloatArray, RGBImage

PatternName = Literal["blank", "hatch_ne", "hatch_nw", "cross", "dots", "solid"]

PATTERNS: Final[tuple[tuple[str, PatternName, str], ...]] = (
    ("RES_A", "blank", "Residential A"),
    ("RES_B", "hatch_ne", "Residential B"),
    ("COM", "solid", "Commercial"),
    ("IND", "cross", "Industrial"),
    ("PUB", "dots", "Public facilities"),
    ("PARK", "hatch_nw", "Parks"),
)
"""Zone codes, their pattern and English names, in the order the generator uses them."""

PERIOD: Final = 9
"""Spacing of hatch lines and dots, pixels."""

_STREET_HALF_WIDTH: Final = 4  # pixels from a street's centre line to its outer edge


@dataclass(frozen=True)
class PatternDegradation:
    """How an old black-and-white print is spoiled."""

    fade: tuple[float, float] = (0.45, 1.0)  # range of toner strength over the sheet
    breaks: float = 0.12  # share of hatch line length missing
    stains: int = 3  # paper stains
    blur: float = 0.7
    noise: float = 5.0
    jpeg_quality: int = 60


def pattern_mask(name: PatternName, shape: tuple[int, int]) -> npt.NDArray[np.bool_]:
    """Ink of a pattern over a whole raster (x right, y down).

    Examples
    --------
    >>> pattern_mask("hatch_ne", (3, 12)).sum(axis=1).tolist()
    [2, 1, 1]
    """
    rows, cols = np.indices(shape)
    if name == "hatch_ne":
        return (rows + cols) % PERIOD < 1
    if name == "hatch_nw":
        return (cols - rows) % PERIOD < 1
    if name == "cross":
        return ((rows + cols) % (PERIOD + 3) < 1) | ((cols - rows) % (PERIOD + 3) < 1)
    if name == "dots":
        shift = (rows // PERIOD) % 2 * (PERIOD // 2)
        return (rows % PERIOD < 2) & ((cols + shift) % PERIOD < 2)
    if name == "solid":
        return np.ones(shape, bool)
    return np.zeros(shape, bool)


def draw_patterns(
    regions: list[tuple[str, Polygon]],
    height: int,
    width: int,
    pad: int,
    rng: np.random.Generator,
) -> tuple[RGBImage, list[shapely.LineString]]:
    """Draw zones as patterns with black boundaries, streets, circled labels and a frame.

    Returns the drawing and the streets' centre lines (in the regions' coordinates).
    """
    shape = (height + 2 * pad, width + 2 * pad)
    names = {code: name for code, name, _ in PATTERNS}
    shifted = [(code, shapely.affinity.translate(p, pad, pad)) for code, p in regions]
    values = {code: i + 1 for i, (code, _, _) in enumerate(PATTERNS)}
    classes = rasterize([(p, values[c]) for c, p in shifted], out_shape=shape, dtype=np.uint8)
    ink = np.zeros(shape, np.float32)
    for code, value in values.items():
        inside = classes == value
        if inside.any():
            ink[inside] = pattern_mask(names[code], shape)[inside]
    dashes = ndimage.gaussian_filter(rng.normal(size=shape), (1.0, 6.0)) < -1.2
    ink[dashes & (classes != values["COM"])] = 0.0  # broken hatch lines, not holes in solid
    image = Image.fromarray(np.round(255 * (1 - ink)).astype(np.uint8)).convert("RGB")
    draw = ImageDraw.Draw(image)
    streets = _streets(draw, shifted, rng)
    for _, poly in shifted:
        draw.line([(x - 0.5, y - 0.5) for x, y in poly.exterior.coords], fill=(0, 0, 0), width=2)
    corners = np.array([(0, 0), (width, 0), (width, height), (0, height), (0, 0)]) + pad - 0.5
    draw.line([tuple(c) for c in corners], fill=(0, 0, 0), width=3, joint="curve")
    _circled_labels(draw, shifted)
    back = [shapely.affinity.translate(line, -pad, -pad) for line in streets]
    return np.asarray(image, np.uint8), back


def _streets(
    draw: ImageDraw.ImageDraw, regions: list[tuple[str, Polygon]], rng: np.random.Generator
) -> list[shapely.LineString]:
    """Streets: white strips edged by thin lines, crossing the patterns; their centre lines."""
    lines = []
    for _, poly in regions:
        minx, miny, maxx, maxy = poly.bounds
        if min(maxx - minx, maxy - miny) < 80:
            continue
        x = rng.uniform(minx + 20, maxx - 20)
        street = shapely.LineString([(x, miny), (x + rng.uniform(-30, 30), maxy)])
        part = street.intersection(poly.buffer(-4))
        for piece in getattr(part, "geoms", [part]):
            if isinstance(piece, shapely.LineString) and not piece.is_empty:
                coords = list(piece.coords)
                draw.line(coords, fill=(0, 0, 0), width=2 * _STREET_HALF_WIDTH - 1)
                draw.line(coords, fill=(255, 255, 255), width=5)
                lines.append(piece)
    return lines


def _circled_labels(draw: ImageDraw.ImageDraw, regions: list[tuple[str, Polygon]]) -> None:
    font = ImageFont.load_default(size=13)
    for code, poly in regions:
        if poly.area < 3000:
            continue
        point = poly.representative_point()
        box = (point.x - 22, point.y - 10, point.x + 22, point.y + 10)
        draw.ellipse(box, fill=(255, 255, 255), outline=(0, 0, 0), width=1)
        draw.text((point.x, point.y), code, fill=(0, 0, 0), font=font, anchor="mm")


def degrade_print(image: RGBImage, spec: PatternDegradation, rng: np.random.Generator) -> RGBImage:
    """Faded, uneven toner; yellowed, stained paper; blur, noise and JPEG compression."""
    height, width = image.shape[:2]
    ink = 1.0 - image.astype(np.float32).mean(axis=2) / 255.0
    field = ndimage.gaussian_filter(rng.normal(size=(height, width)), max(height, width) / 8)
    field = (field - field.min()) / max(float(np.ptp(field)), 1e-9)
    low, high = spec.fade
    ink *= (low + (high - low) * field).astype(np.float32)
    paper = np.ones((height, width, 3), np.float32) * np.array([0.96, 0.93, 0.85], np.float32)
    for _ in range(spec.stains):
        centre = rng.uniform((0, 0), (height, width))
        radius = rng.uniform(0.05, 0.15) * min(height, width)
        rows, cols = np.ogrid[:height, :width]
        blot = np.exp(-((rows - centre[0]) ** 2 + (cols - centre[1]) ** 2) / (2 * radius**2))
        paper *= 1 - 0.18 * blot[:, :, None] * np.array([0.6, 0.9, 1.4], np.float32)
    data = 255.0 * paper * (1 - 0.92 * ink[:, :, None])
    data = ndimage.gaussian_filter(data, (spec.blur, spec.blur, 0))
    data += rng.normal(0, spec.noise, data.shape)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(data, 0, 255).astype(np.uint8)).save(
        buffer, format="JPEG", quality=spec.jpeg_quality
    )
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"), np.uint8)


def sample_legend(
    regions: list[tuple[str, Polygon]],
    forward: Callable[[FloatArray], FloatArray],
    codes: int,
    streets: list[shapely.LineString] | None = None,
    half: int = 16,
) -> Legend:
    """Build a pattern legend whose samples are boxes deep inside each code's largest region.

    The boxes keep clear of the region's label and of the `streets`, as a planner picks a
    clean patch (or the key's swatch) to sample a pattern.
    """
    zones = []
    clutter = shapely.unary_union(streets or []).buffer(_STREET_HALF_WIDTH)
    for code, _, name in PATTERNS[:codes]:
        polys = [p for c, p in regions if c == code]
        largest = max(polys, key=lambda p: p.area)
        label = largest.representative_point().buffer(30)  # where `_circled_labels` writes
        free = largest.difference(label) if largest.area >= 3000 else largest
        clear = free.difference(clutter)
        free = free if clear.is_empty else clear
        part = max(getattr(free, "geoms", [free]), key=lambda p: p.area)
        centre = shapely.ops.polylabel(part, tolerance=1.0)
        depth = part.exterior.distance(centre)
        size = int(max(6, min(half, depth * 0.6)))
        x, y = forward(np.array([[centre.x, centre.y]]))[0]
        box = [int(x) - size, int(y) - size, int(x) + size, int(y) + size]
        zones.append({"code": code, "pattern": True, "samples": [box], "name": {"en": name}})
    return parse_legend({"zones": zones})
