"""Synthetic colour-filled plan sheets with exact ground truth, for tests, demos and benches."""

import io
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import shapely
import shapely.affinity
from PIL import Image, ImageDraw, ImageFont
from rasterio.features import rasterize
from scipy import ndimage
from shapely.geometry import LineString, MultiPolygon, Polygon, box

from gis.gcps import GroundControlPoints
from gis.legend import RGB, Legend, parse_legend
from gis.repair import polygonal_part
from gis.synthetic_furniture import add_furniture
from gis.synthetic_outline import draw_outline, outline_legend
from gis.synthetic_patterns import PatternDegradation, degrade_print, draw_patterns, sample_legend
from gis.types import SYNTHETIC_KINDS, FloatArray, RGBImage, SyntheticKind

PALETTE: Final[tuple[tuple[str, RGB, str, str], ...]] = (
    ("RES_A", (242, 217, 138), "سكني أ", "Residential A"),
    ("RES_B", (240, 170, 90), "سكني ب", "Residential B"),
    ("COM", (222, 96, 96), "تجاري", "Commercial"),
    ("IND", (172, 142, 212), "صناعي", "Industrial"),
    ("PUB", (112, 172, 222), "مرافق عامة", "Public facilities"),
    ("PARK", (124, 192, 112), "حدائق", "Parks"),
)
"""Zone codes, nominal fill colours and names the generator draws from."""


@dataclass(frozen=True)
class Degradation:
    """How a sheet is drawn and spoiled (see `DEGRADATIONS` for the kinds)."""

    rotation_deg: float
    fade: float  # share of the print's density lost, towards white
    hue_mix: float  # cross-talk between colour channels
    tint: RGB  # paper colour
    illumination: float  # relative brightness change from one corner to the opposite
    blur: float  # Gaussian sigma, pixels
    noise: float  # Gaussian sigma, grey levels
    jpeg_quality: int
    specks: int  # toner specks per megapixel
    line_px: int
    pencil: bool
    hatch: bool


DEGRADATIONS: Final[dict[SyntheticKind, Degradation]] = {
    "printed": Degradation(1.5, 0.0, 0.0, (250, 247, 238), 0.04, 0.7, 2.0, 85, 20, 2, False, True),
    "faded": Degradation(2.5, 0.5, 0.08, (238, 230, 205), 0.12, 1.0, 4.0, 60, 150, 2, False, True),
    "pencil": Degradation(2.0, 0.0, 0.0, (246, 241, 226), 0.08, 0.8, 3.0, 80, 40, 3, True, False),
    "outline": Degradation(1.5, 0.0, 0.0, (248, 245, 236), 0.05, 0.8, 3.0, 75, 30, 3, False, False),
}
"""The degradations of each kind of sheet; the rotation sign is drawn at random."""

_BLACK = (20, 20, 20)
_GREY = (150, 150, 150)
_PAD = 4  # paper drawn around the frame, so the frame line is centred on the frame's edge


@dataclass(frozen=True, eq=False)
class SyntheticSheet:
    """A generated scan with its exact answer.

    Attributes
    ----------
    image
        The scan, RGB.
    truth
        (code, geometry in map coordinates) of every connected zone region.
    gcps
        Control points: exact scan pixel positions of the map frame's corners and more.
    legend
        The nominal legend colours of every code on the sheet.
    pixel_size
        Metres per pixel before rotation.
    kind
        The kind of sheet.
    """

    image: RGBImage
    truth: tuple[tuple[str, MultiPolygon], ...]
    gcps: GroundControlPoints
    legend: Legend
    pixel_size: float
    kind: SyntheticKind


def make_sheet(
    kind: SyntheticKind = "printed",
    *,
    seed: int = 0,
    height: int = 600,
    width: int = 800,
    cells: int = 14,
    codes: int = 5,
    pixel_size: float = 0.5,
    origin: tuple[float, float] = (500_000.0, 2_600_000.0),
    margin: int = 24,
    furniture: bool = False,
) -> SyntheticSheet:
    """Draw a synthetic zoning sheet of `kind` with exact ground truth.

    Zones are the cells of a random Voronoi diagram (neighbours of one code dissolved),
    filled with legend colours (colour pencil with streaks and unfilled gaps for
    ``pencil``), with black zone boundaries and frame, thin grey parcel lines, printed zone
    codes and plot numbers, hatching of one code; then rotated on the paper, faded, tinted,
    unevenly lit, blurred, speckled, noised and JPEG-compressed as `DEGRADATIONS` says.
    ``outline`` sheets have no fills: each zone's label (`gis.synthetic_outline`) is
    printed inside it, once or more, some at a small angle.

    Parameters
    ----------
    height, width
        Size of the map frame in pixels; the scan adds `margin` on each side.
    cells, codes
        Number of Voronoi cells and of zone codes (at most ``len(PALETTE)``).
    pixel_size, origin
        Metres per pixel and the map coordinates of the frame's top-left corner.
    furniture
        Draw a double frame with ticks, a legend with the zones' swatches, a title block
        and a north arrow around the map (`gis.synthetic_furniture`); the truth is still
        the zones inside the frame.

    Examples
    --------
    >>> sheet = make_sheet("printed", height=120, width=160, cells=4, codes=2)
    >>> sheet.image.shape, len(sheet.gcps), sheet.legend.codes
    ((168, 208, 3), 9, ('RES_A', 'RES_B'))
    """
    if kind not in SYNTHETIC_KINDS:
        raise ValueError(f"kind must be one of {SYNTHETIC_KINDS}, got {kind!r}")
    if not 1 <= codes <= len(PALETTE):
        raise ValueError(f"codes must be between 1 and {len(PALETTE)}, got {codes}")
    rng = np.random.default_rng(seed)
    regions = _layout(rng, height, width, cells, codes)
    spec = DEGRADATIONS.get(kind)
    streets: list[LineString] = []
    if spec is None:
        canvas, streets = draw_patterns(regions, height, width, _PAD, rng)
    elif kind == "outline":
        canvas = draw_outline(regions, height, width, _PAD, rng)
    else:
        canvas = _draw(regions, height, width, spec, rng)
    offset = _PAD
    if furniture:
        plain = spec is None or kind == "outline"
        entries = [(c, en, None if plain else rgb) for c, rgb, _, en in PALETTE[:codes]]
        canvas, offset = add_furniture(canvas, _PAD, entries, rng)
    angle = (1.5 if spec is None else spec.rotation_deg) * rng.choice([-1.0, 1.0])
    image, forward = _place(canvas, margin - _PAD, angle, offset)
    image = (
        degrade_print(image, PatternDegradation(), rng)
        if spec is None
        else _degrade(image, spec, rng)
    )
    to_map = np.array([[pixel_size, 0.0, origin[0]], [0.0, -pixel_size, origin[1]]])
    truth = tuple(
        (code, polygonal_part(shapely.transform(poly, lambda xy: _affine(to_map, xy))))
        for code, poly in regions
    )
    grid = np.array([(x, y) for y in (0.0, 0.5, 1.0) for x in (0.0, 0.5, 1.0)]) * (width, height)
    gcps = GroundControlPoints(pixel=forward(grid), map=_affine(to_map, grid))
    legend = _legend(kind, regions, forward, codes, streets)
    return SyntheticSheet(image, truth, gcps, legend, pixel_size, kind)


def _legend(
    kind: SyntheticKind,
    regions: list[tuple[str, Polygon]],
    forward: "_Forward",
    codes: int,
    streets: list[LineString],
) -> Legend:
    if kind == "pattern":
        return sample_legend(regions, forward, codes, streets)
    if kind == "outline":
        return outline_legend(tuple((c, ar, en) for c, _, ar, en in PALETTE[:codes]))
    return _colour_legend(codes)


def _colour_legend(codes: int) -> Legend:
    return parse_legend(
        {
            "zones": [
                {
                    "code": c,
                    "color": "#{:02x}{:02x}{:02x}".format(*rgb),
                    "name": {"ar": ar, "en": en},
                }
                for c, rgb, ar, en in PALETTE[:codes]
            ]
        }
    )


def _affine(matrix: FloatArray, xy: FloatArray) -> FloatArray:
    result: FloatArray = xy @ matrix[:, :2].T + matrix[:, 2]
    return result


def _layout(
    rng: np.random.Generator, height: int, width: int, cells: int, codes: int
) -> list[tuple[str, Polygon]]:
    """Voronoi cells with random codes, same-code neighbours dissolved, in frame pixels."""
    frame = box(0, 0, width, height)
    seeds = shapely.MultiPoint(rng.uniform((0, 0), (width, height), (cells, 2)))
    cells_ = [c.intersection(frame) for c in shapely.voronoi_polygons(seeds, extend_to=frame).geoms]
    assigned = np.concatenate([np.arange(codes), rng.integers(0, codes, max(0, cells - codes))])
    regions: list[tuple[str, Polygon]] = []
    for index in range(codes):
        members = [cell for cell, a in zip(cells_, assigned, strict=False) if a == index]
        union = polygonal_part(shapely.union_all(members).buffer(0))
        regions += [(PALETTE[index][0], part) for part in union.geoms]
    return regions


def _draw(
    regions: list[tuple[str, Polygon]],
    height: int,
    width: int,
    spec: Degradation,
    rng: np.random.Generator,
) -> RGBImage:
    colours = {code: rgb for code, rgb, _, _ in PALETTE}
    values = {code: i + 1 for i, (code, _, _, _) in enumerate(PALETTE)}
    shape = (height + 2 * _PAD, width + 2 * _PAD)
    # PIL puts integer coordinates at pixel centres; the frame's pixel corners are 0.5 off.
    regions = [(code, shapely.affinity.translate(p, _PAD, _PAD)) for code, p in regions]
    classes = rasterize(
        [(poly, values[code]) for code, poly in regions], out_shape=shape, dtype=np.uint8
    )
    table = np.array([(255, 255, 255)] + [colours[c] for c, _, _, _ in PALETTE], float)
    fill = table[classes]
    if spec.hatch:
        rows, cols = np.indices(shape)
        hatched = (classes == values["IND"]) & ((rows + cols) % 9 < 2)
        fill[hatched] *= 0.55
    if spec.pencil:
        alpha = _pencil_alpha(rng, classes)
        fill = 255.0 - alpha[:, :, None] * (255.0 - fill)
    image = Image.fromarray(np.clip(fill, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    _parcel_lines(draw, regions, rng)
    for _, poly in regions:
        ring = _wobble(np.asarray(poly.exterior.coords), amplitude=1.2 if spec.pencil else 0.0)
        draw.line([tuple(p - 0.5) for p in ring], fill=_BLACK, width=spec.line_px, joint="curve")
    corners = np.array([(0, 0), (width, 0), (width, height), (0, height), (0, 0)]) + _PAD - 0.5
    draw.line([tuple(c) for c in corners], fill=_BLACK, width=spec.line_px + 1, joint="curve")
    _labels(draw, regions, rng)
    return np.asarray(image, np.uint8)


def _pencil_alpha(rng: np.random.Generator, classes: npt.NDArray[np.uint8]) -> FloatArray:
    """Colour-pencil coverage: streaks, unfilled gaps, and paper left along the lines."""
    streaks = ndimage.gaussian_filter(rng.normal(size=classes.shape), sigma=(0.8, 9.0))
    streaks /= streaks.std() + 1e-9
    alpha = np.clip(0.8 + 0.2 * streaks, 0.35, 1.0)
    alpha[streaks < -1.6] = 0.0
    edges = np.zeros(classes.shape, bool)
    edges[:-1] |= classes[:-1] != classes[1:]
    edges[:, :-1] |= classes[:, :-1] != classes[:, 1:]
    distance = ndimage.distance_transform_edt(~edges)
    alpha[distance < rng.uniform(2.0, 4.0)] = 0.0
    return alpha


def _wobble(coords: FloatArray, *, amplitude: float) -> FloatArray:
    """Densify a ring and displace it by a smooth function of position (same on both sides)."""
    if amplitude == 0:
        return coords
    line = shapely.segmentize(shapely.LineString(coords), 4.0)
    xy = shapely.get_coordinates(line)
    dx = amplitude * np.sin(xy[:, 1] / 13.0) * np.cos(xy[:, 0] / 29.0)
    dy = amplitude * np.sin(xy[:, 0] / 11.0) * np.cos(xy[:, 1] / 31.0)
    return xy + np.column_stack([dx, dy])


def _parcel_lines(
    draw: ImageDraw.ImageDraw, regions: list[tuple[str, Polygon]], rng: np.random.Generator
) -> None:
    for _, poly in regions:
        inner = poly.buffer(-6)
        if inner.is_empty:
            continue
        minx, miny, maxx, maxy = poly.bounds
        step = rng.uniform(35, 60)
        lines = [
            shapely.LineString([(x, miny), (x, maxy)]) for x in np.arange(minx + step, maxx, step)
        ]
        lines += [
            shapely.LineString([(minx, y), (maxx, y)]) for y in np.arange(miny + step, maxy, step)
        ]
        for line in lines:
            for part in getattr(piece := line.intersection(inner), "geoms", [piece]):
                if isinstance(part, shapely.LineString) and not part.is_empty:
                    draw.line(list(part.coords), fill=_GREY, width=1)


def _labels(
    draw: ImageDraw.ImageDraw, regions: list[tuple[str, Polygon]], rng: np.random.Generator
) -> None:
    code_font = ImageFont.load_default(size=16)
    number_font = ImageFont.load_default(size=10)
    for code, poly in regions:
        point = poly.representative_point()
        draw.text((point.x, point.y), code, fill=_BLACK, font=code_font, anchor="mm")
        minx, miny, maxx, maxy = poly.bounds
        for _ in range(max(1, int(poly.area // 20_000))):
            x, y = rng.uniform((minx, miny), (maxx, maxy))
            if poly.buffer(-10).contains(shapely.Point(x, y)):
                draw.text((x, y), str(rng.integers(1, 999)), fill=_BLACK, font=number_font)


def _place(
    canvas: RGBImage, margin: int, angle_deg: float, frame_at: int = _PAD
) -> tuple[RGBImage, "_Forward"]:
    """Rotate the canvas by `angle_deg` about its centre onto paper `margin` px wider.

    The map frame's top-left corner is at (`frame_at`, `frame_at`) in the canvas.
    """
    height, width = canvas.shape[:2]
    out_shape = (height + 2 * margin, width + 2 * margin)
    theta = np.radians(angle_deg)
    cos, sin = np.cos(theta), np.sin(theta)
    centre_in = np.array([width / 2, height / 2])
    centre_out = np.array([out_shape[1] / 2, out_shape[0] / 2])
    inverse_yx = np.array([[cos, -sin], [sin, cos]])  # image -> frame, in (row, col) order
    offset = inverse_yx @ (0.5 - centre_out[::-1]) + centre_in[::-1] - 0.5
    image = np.empty((*out_shape, 3), np.uint8)
    for band in range(3):
        ndimage.affine_transform(
            canvas[:, :, band], inverse_yx, offset=offset, output=image[:, :, band],
            order=1, mode="constant", cval=255.0,
        )  # fmt: skip
    return image, _Forward(cos, sin, centre_in - frame_at, centre_out)


@dataclass(frozen=True)
class _Forward:
    cos: float
    sin: float
    centre_in: FloatArray
    centre_out: FloatArray

    def __call__(self, xy: FloatArray) -> FloatArray:
        rotation = np.array([[self.cos, -self.sin], [self.sin, self.cos]])
        result: FloatArray = (xy - self.centre_in) @ rotation.T + self.centre_out
        return result


def _degrade(image: RGBImage, spec: Degradation, rng: np.random.Generator) -> RGBImage:
    height, width = image.shape[:2]
    data = image.astype(np.float32)
    if spec.fade:
        mix = np.eye(3) * (1 - 2 * spec.hue_mix) + spec.hue_mix
        data = 255.0 - (1 - spec.fade) * ((255.0 - data) @ mix.T.astype(np.float32))
    data *= np.array(spec.tint, np.float32) / 255.0
    rows = np.linspace(-0.5, 0.5, height, dtype=np.float32)[:, None]
    cols = np.linspace(-0.5, 0.5, width, dtype=np.float32)[None, :]
    data *= (1 + spec.illumination * (rows + cols) / 2)[:, :, None]
    count = int(spec.specks * height * width / 1e6)
    specks_r, specks_c = rng.integers(0, height, count), rng.integers(0, width, count)
    data[specks_r, specks_c] = 30.0
    if spec.blur:
        data = ndimage.gaussian_filter(data, sigma=(spec.blur, spec.blur, 0))
    data += rng.normal(0, spec.noise, data.shape).astype(np.float32)
    spoiled = np.clip(data, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(spoiled).save(buffer, format="JPEG", quality=spec.jpeg_quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"), np.uint8)
