"""Digitise a plan sheet (colour, pattern or outline): scan, GCPs, legend in; zones out."""

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import shapely
from affine import Affine
from rasterio.features import rasterize
from shapely.geometry.base import BaseGeometry

from gis.classify import classify
from gis.digitise_report import Classified, build_report
from gis.errors import DigitiseError
from gis.frame import MapFrame, clear_outside, find_frame
from gis.gcps import GroundControlPoints
from gis.georef import FittedTransform, fit_transform
from gis.legend import Legend
from gis.outline_codes import classify_outline
from gis.pattern import classify_patterns
from gis.raster import DEFAULT_MAX_PIXELS, ArrayScan, Scan, open_scan
from gis.topology import clean_zones
from gis.types import (
    SHEET_STYLES,
    TRANSFORM_METHODS,
    FrameMode,
    RGBImage,
    SheetStyle,
    TransformMethod,
)
from gis.vectorise import ZoneRegion, polygonise

GREY_CHROMA: Final = 12
"""Median chroma (max minus min channel, 0..255) under which a sheet counts as grey."""


@dataclass(frozen=True, eq=False)
class DigitiseResult:
    """Zones of a digitised sheet, in the CRS of the GCPs' map coordinates.

    Attributes
    ----------
    zones
        One region per connected zone: code, MultiPolygon and confidence 0..1; together a
        valid coverage with no gaps or overlaps.
    report
        JSON-ready quality report: ``georef`` (method, RMS, per-GCP and leave-one-out
        residuals, suspects), ``classes`` (area, share, learned colour, mean confidence per
        code), ``pixels`` (ink, gap, unsure, outside, low-confidence shares), ``coverage``
        (validity, gap and overlap area), ``review`` (zones under
        `gis.digitise_report.LOW_CONFIDENCE`, and those holding a zone letter that
        overruled the texture), ``warnings`` and ``timings`` in seconds; on pattern
        sheets also ``textures`` (scale, plain-paper entry, ``unmatched``: the entries
        whose samples matched no district on the map) and ``zone_labels`` (each letter
        read: code, pixel, score and the code the texture gave it).
    transform
        The fitted pixel -> map transform.
    """

    zones: tuple[ZoneRegion, ...]
    report: Mapping[str, Any]
    transform: FittedTransform


def digitise(
    scan: str | Path | RGBImage,
    gcps: GroundControlPoints,
    legend: Legend,
    *,
    method: TransformMethod = "auto",
    style: SheetStyle = "auto",
    min_area_m2: float = 25.0,
    simplify_px: float = 1.0,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    rows: int = 1024,
    extent: BaseGeometry | None = None,
    page: int = 1,
    frame: FrameMode = "auto",
) -> DigitiseResult:
    """Turn a colour-filled or pattern plan sheet into a clean, georeferenced zone coverage.

    Parameters
    ----------
    scan
        A scan file (`gis.raster.open_scan`) or an RGB array.
    gcps
        Control points from scan pixels to map coordinates (metres).
    legend
        The sheet's legend: every entry filled (``"fill": true``, the default), or every
        entry outline-only (``"fill": false``, told apart by its printed ``label``).
    method
        Transform family (`gis.georef.fit_transform`).
    style
        ``filled`` (colour fills), ``pattern`` (black-and-white textures learned from the
        legend's samples, `gis.pattern.classify_patterns`), ``outline`` (black boundaries
        with printed labels: zones are the faces of the line network, coded by reading the
        labels with tesseract, `gis.outline_codes.classify_outline`) or ``auto``:
        ``outline`` when every legend entry has ``"fill": false``, ``pattern`` when the
        legend has pattern entries and no colours or the sheet is mostly grey.
    min_area_m2
        Minimum mapping unit: smaller regions join a neighbour.
    simplify_px
        Simplification tolerance in pixels (one removes the raster staircase).
    max_pixels, rows
        Decompression-bomb guard, and rows per processing window.
    extent
        The plan's extent (e.g. the municipal limit) in map coordinates; pixels outside it
        are off the map. Pattern sheets only; without it, plain paper connected to the
        sheet's edge is off the map.
    page
        Page of a PDF scan, from 1 (`gis.raster.open_scan`); the GCPs' pixels refer to it.
    frame
        ``auto``: find the sheet's map frame (`gis.frame.detect_frame`) and digitise only
        inside it, so legend swatches, title block and margins make no zones; the report's
        ``frame`` gives its corners in pixels, or null when none was found (the whole
        sheet is then the map). ``none``: do not look for one.

    Raises
    ------
    ValueError
        Unknown `method` or `style`.
    DigitiseError
        A legend mixing filled and outline-only entries, a filled or pattern style with
        outline-only entries, labels printed for two codes, or an empty result.
    gis.errors.GisError
        Unreadable scan, bad GCPs, unclassifiable colours.

    Notes
    -----
    Peak memory is about 12 bytes per scan pixel (labels, confidence, an int32 region
    raster, its int32 scratch and a few masks) plus window buffers and the interpreter:
    about 1.2 GB for an A1 sheet at 300 dpi, 2 GB for an A0 (`bench/digitise.py`).

    Examples
    --------
    >>> from gis.synthetic import make_sheet
    >>> sheet = make_sheet("printed", height=160, width=200, cells=4, codes=2)
    >>> result = digitise(sheet.image, sheet.gcps, sheet.legend, method="affine")
    >>> sorted({zone.code for zone in result.zones}), result.report["coverage"]["valid"]
    (['RES_A', 'RES_B'], True)
    """
    _check_options(method, style, legend)
    timings: dict[str, float] = {}
    with _timer(timings, "georef"):
        transform = fit_transform(gcps, method=method)
    pixel_area = transform.report.pixel_size**2
    min_region_px = max(1, int(min_area_m2 / pixel_area))
    with _scan(scan, max_pixels, page) as source, _timer(timings, "classify"):
        found = find_frame(source, frame)
        classes: Classified
        chosen = resolve_style(style, legend, source)
        if chosen == "outline":
            polygon = None if found is None else found.polygon
            classes = classify_outline(
                source, legend, min_region_px=min_region_px, rows=rows, frame=polygon
            )
        elif chosen == "pattern":
            mask = _pattern_extent(extent, transform, source.shape, found)
            classes = classify_patterns(
                source, legend, extent=mask, min_region_px=min_region_px, rows=rows
            )
        else:
            classes = classify(source, legend, min_region_px=min_region_px, rows=rows)
        if found is not None:
            clear_outside(classes.labels, found)
    with _timer(timings, "vectorise"):
        regions = polygonise(classes.labels, classes.confidence, classes.codes, transform.apply)
    with _timer(timings, "topology"):
        pixel = transform.report.pixel_size
        zones = clean_zones(
            regions, min_area=min_area_m2, tolerance=simplify_px * pixel, pixel_size=pixel
        )
    if not zones:
        raise DigitiseError("no zone was found on the scan: check the legend colours or samples")
    report = build_report(zones, classes, transform, timings)
    report["frame"] = None if found is None else found.to_report()
    return DigitiseResult(tuple(zones), report, transform)


def _check_options(method: TransformMethod, style: SheetStyle, legend: Legend) -> None:
    if method not in TRANSFORM_METHODS:
        raise ValueError(f"method must be one of {TRANSFORM_METHODS}, got {method!r}")
    if style not in SHEET_STYLES:
        raise ValueError(f"style must be one of {SHEET_STYLES}, got {style!r}")
    outline = [e.code for e in legend.entries if not e.fill]
    filled = [e.code for e in legend.entries if e.fill]
    if outline and filled:
        raise DigitiseError(
            f"the legend mixes outline-only entries (fill false: {', '.join(outline)}) with "
            f"filled ones ({', '.join(filled)}); expected one kind: give every entry "
            '"fill": false for an outline sheet, or colours for a filled one'
        )
    if outline and style in ("filled", "pattern"):
        raise DigitiseError(
            f"style {style!r} needs filled legend entries, got fill false for "
            f"{', '.join(outline)}; use style 'outline' or 'auto'"
        )
    if style == "outline" or outline:
        _check_labels(legend)


def _check_labels(legend: Legend) -> None:
    seen: dict[str, str] = {}
    for entry in legend.entries:
        key = "".join(entry.label.split()).upper()
        if key in seen:
            raise DigitiseError(
                f"zones {seen[key]} and {entry.code} print the same label {entry.label!r}; "
                'expected a distinct "label" per zone on an outline sheet'
            )
        seen[key] = entry.code


def resolve_style(style: SheetStyle, legend: Legend, scan: Scan) -> SheetStyle:
    """Choose the style to digitise with: `style`, or for ``auto`` what legend and sheet show.

    ``auto`` means ``outline`` when every legend entry has ``"fill": false``; ``pattern``
    when the legend has pattern entries and either no entry has a colour or the sheet is
    mostly grey (median chroma under `GREY_CHROMA`); else ``filled``.

    Examples
    --------
    >>> from gis.legend import parse_legend
    >>> legend = parse_legend({"zones": [{"code": "A", "pattern": True, "color": "#f00",
    ...                                   "samples": [[0, 0, 4, 4]]}]})
    >>> resolve_style("auto", legend, ArrayScan(np.full((8, 8, 3), 200, np.uint8)))
    'pattern'
    """
    if style != "auto":
        return style
    if not any(entry.fill for entry in legend.entries):
        return "outline"
    if not legend.patterned:
        return "filled"
    if not any(entry.colors for entry in legend.entries):
        return "pattern"
    height, width = scan.shape
    stride = max(1, int(np.sqrt(height * width / 250_000)))
    sample = scan.read((slice(0, height, stride), slice(0, width, stride))).astype(np.int16)
    chroma = sample.max(axis=2) - sample.min(axis=2)
    return "pattern" if float(np.median(chroma)) < GREY_CHROMA else "filled"


def _pattern_extent(
    extent: BaseGeometry | None,
    transform: FittedTransform,
    shape: tuple[int, int],
    found: MapFrame | None,
) -> npt.NDArray[np.bool_] | None:
    """Return the plan's extent and the map frame as one pixel mask (None: neither known).

    A pattern sheet's plain-paper zone looks like the margin around the map: without a
    mask, the classifier tells them apart by the lines between them, which a frame printed
    along a solid fill does not show. The frame also keeps the margin out of the texture
    model.
    """
    mask = None if extent is None else extent_mask(extent, transform, shape)
    if found is None:
        return mask
    inside = found.mask((slice(0, shape[0]), slice(0, shape[1])))
    if mask is None:
        return inside
    both = mask & inside
    return both if both.any() else mask  # the given extent outranks a frame found astray


def extent_mask(
    extent: BaseGeometry, transform: FittedTransform, shape: tuple[int, int]
) -> npt.NDArray[np.bool_]:
    """Rasterise a map-coordinate extent onto the scan's pixels through the inverse fit.

    Examples
    --------
    >>> from gis.gcps import GroundControlPoints
    >>> gcps = GroundControlPoints(pixel=[[0, 0], [10, 0], [0, 10]],
    ...                            map=[[0, 0], [10, 0], [0, -10]])
    >>> fitted = fit_transform(gcps, method="affine")
    >>> int(extent_mask(shapely.box(0, -5, 10, 0), fitted, (10, 10)).sum())
    50
    """
    pixels = shapely.transform(extent, transform.apply_inverse)
    if pixels.is_empty or pixels.area == 0:
        raise DigitiseError("the extent is empty or not a polygon: give the plan's outline")
    mask: npt.NDArray[np.bool_] = rasterize(
        [(pixels, 1)], out_shape=shape, dtype=np.uint8, transform=Affine.identity()
    ).astype(bool)
    if not mask.any():
        x0, y0, x1, y1 = (round(v) for v in pixels.bounds)
        raise DigitiseError(
            f"the extent does not overlap the scan: it falls at pixels x {x0}..{x1}, "
            f"y {y0}..{y1} of a {shape[1]} x {shape[0]} scan; is it in the map's CRS?"
        )
    return mask


@contextmanager
def _scan(scan: str | Path | RGBImage, max_pixels: int, page: int) -> Iterator[Scan]:
    if isinstance(scan, np.ndarray):
        yield ArrayScan(scan)
        return
    with open_scan(scan, max_pixels=max_pixels, page=page) as opened:
        yield opened


@contextmanager
def _timer(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - start, 3)
