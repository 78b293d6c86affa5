"""Digitise a colour-filled plan sheet: scan, GCPs and legend in, clean zone coverage out."""

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

from gis.classify import Classification, classify
from gis.errors import DigitiseError
from gis.gcps import GroundControlPoints
from gis.georef import FittedTransform, fit_transform
from gis.legend import Legend
from gis.pattern import PatternClassification, classify_patterns
from gis.raster import DEFAULT_MAX_PIXELS, ArrayScan, Scan, open_scan
from gis.topology import clean_zones, coverage_report
from gis.types import SHEET_STYLES, TRANSFORM_METHODS, RGBImage, SheetStyle, TransformMethod
from gis.vectorise import ZoneRegion, polygonise

LOW_CONFIDENCE: Final = 0.5
"""Pixels and zones below this confidence are reported as uncertain."""

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
        (validity, gap and overlap area), ``review`` (zones under `LOW_CONFIDENCE`),
        ``warnings`` and ``timings`` in seconds.
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
) -> DigitiseResult:
    """Turn a colour-filled or pattern plan sheet into a clean, georeferenced zone coverage.

    Parameters
    ----------
    scan
        A scan file (`gis.raster.open_scan`) or an RGB array.
    gcps
        Control points from scan pixels to map coordinates (metres).
    legend
        The sheet's legend; every entry must be filled (``"fill": true``).
    method
        Transform family (`gis.georef.fit_transform`).
    style
        ``filled`` (colour fills), ``pattern`` (black-and-white textures learned from the
        legend's samples, `gis.pattern.classify_patterns`) or ``auto``: ``pattern`` when the
        legend has pattern entries and no colours or the sheet is mostly grey; ``outline``
        sheets are not supported yet.
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

    Raises
    ------
    ValueError
        Unknown `method` or `style`.
    DigitiseError
        An outline style or legend, or an empty result.
    gis.errors.GisError
        Unreadable scan, bad GCPs, unclassifiable colours.

    Notes
    -----
    Peak memory is about 8 bytes per scan pixel (labels, confidence, an int32 region raster
    and a transient one) plus window buffers: about 0.6 GB for an A1 sheet at 300 dpi.

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
    with _scan(scan, max_pixels) as source, _timer(timings, "classify"):
        classes: Classification | PatternClassification
        if resolve_style(style, legend, source) == "pattern":
            mask = None if extent is None else extent_mask(extent, transform, source.shape)
            classes = classify_patterns(
                source, legend, extent=mask, min_region_px=min_region_px, rows=rows
            )
        else:
            classes = classify(source, legend, min_region_px=min_region_px, rows=rows)
    with _timer(timings, "vectorise"):
        regions = polygonise(classes.labels, classes.confidence, classes.codes, transform.apply)
    with _timer(timings, "topology"):
        zones = clean_zones(
            regions, min_area=min_area_m2, tolerance=simplify_px * transform.report.pixel_size
        )
    if not zones:
        raise DigitiseError("no zone was found on the scan: check the legend colours or samples")
    report = _report(zones, classes, transform, timings)
    return DigitiseResult(tuple(zones), report, transform)


def _check_options(method: TransformMethod, style: SheetStyle, legend: Legend) -> None:
    if method not in TRANSFORM_METHODS:
        raise ValueError(f"method must be one of {TRANSFORM_METHODS}, got {method!r}")
    if style not in SHEET_STYLES:
        raise ValueError(f"style must be one of {SHEET_STYLES}, got {style!r}")
    outline = [e.code for e in legend.entries if not e.fill]
    if style == "outline" or outline:
        raise DigitiseError(
            "outline-only sheets (legend entries with fill false: "
            f"{', '.join(outline) or 'none'}) are not supported yet; use a colour-filled legend"
        )


def resolve_style(style: SheetStyle, legend: Legend, scan: Scan) -> SheetStyle:
    """Choose the style to digitise with: `style`, or for ``auto`` what legend and sheet show.

    ``auto`` means ``pattern`` when the legend has pattern entries and either no entry has a
    colour or the sheet is mostly grey (median chroma under `GREY_CHROMA`), else ``filled``.

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
    if not legend.patterned:
        return "filled"
    if not any(entry.colors for entry in legend.entries):
        return "pattern"
    height, width = scan.shape
    stride = max(1, int(np.sqrt(height * width / 250_000)))
    sample = scan.read((slice(0, height, stride), slice(0, width, stride))).astype(np.int16)
    chroma = sample.max(axis=2) - sample.min(axis=2)
    return "pattern" if float(np.median(chroma)) < GREY_CHROMA else "filled"


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
    return mask


@contextmanager
def _scan(scan: str | Path | RGBImage, max_pixels: int) -> Iterator[Scan]:
    if isinstance(scan, np.ndarray):
        yield ArrayScan(scan)
        return
    with open_scan(scan, max_pixels=max_pixels) as opened:
        yield opened


@contextmanager
def _timer(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - start, 3)


def _report(
    zones: list[ZoneRegion],
    classes: Classification | PatternClassification,
    transform: FittedTransform,
    timings: Mapping[str, float],
) -> dict[str, Any]:
    georef = transform.report
    coverage = coverage_report([zone.geometry for zone in zones])
    areas = dict.fromkeys(classes.codes, 0.0)
    for zone in zones:
        areas[zone.code] += zone.geometry.area
    total = max(sum(areas.values()), 1e-300)
    map_pixels = classes.labels > 0
    low = float(np.mean(classes.confidence[map_pixels] < LOW_CONFIDENCE * 255))
    review = [i for i, zone in enumerate(zones) if zone.confidence < LOW_CONFIDENCE]
    warnings = [f"GCP {i} looks misplaced (leave-one-out error)" for i in georef.suspects]
    warnings += [f"zone code {c} was not found on the scan" for c, a in areas.items() if a == 0]
    if low > 0.1:
        warnings.append(f"{low:.0%} of the map was classified with low confidence")
    return {
        "georef": {
            "method": georef.method,
            "rms_m": georef.rms,
            "loo_rms_m": georef.loo_rms,
            "residuals_m": georef.magnitudes.round(4).tolist(),
            "suspects": list(georef.suspects),
            "pixel_size_m": georef.pixel_size,
        },
        "classes": {
            code: {"area_m2": area, "share": area / total, "zones": _count(zones, code)}
            for code, area in areas.items()
        },
        **_learned(classes),
        "pixels": {**classes.shares, "low_confidence": low},
        "coverage": {
            "valid": coverage.valid,
            "gap_m2": coverage.gap_area,
            "overlap_m2": coverage.overlap_area,
        },
        "confidence": _confidence_stats(zones),
        "review": review,
        "warnings": warnings,
        "timings": dict(timings),
    }


def _count(zones: list[ZoneRegion], code: str) -> int:
    return sum(zone.code == code for zone in zones)


def _learned(classes: Classification | PatternClassification) -> dict[str, Any]:
    if isinstance(classes, PatternClassification):
        texture = classes.model
        return {
            "textures": {
                "period_px": texture.scale.period,
                "window_px": texture.scale.window,
                "step_px": texture.scale.step,
                "blank": None if texture.blank is None else texture.codes[texture.blank - 1],
                "means": {
                    c: m.round(3).tolist()
                    for c, m in zip(texture.codes, texture.means, strict=True)
                },
            }
        }
    model = classes.model
    return {
        "colours": {
            code: model.means[model.classes == value].mean(axis=0).round(1).tolist()
            for value, code in enumerate(classes.codes, start=1)
            if (model.classes == value).any()
        }
    }


def _confidence_stats(zones: list[ZoneRegion]) -> dict[str, float]:
    values = np.array([zone.confidence for zone in zones])
    weights = np.array([zone.geometry.area for zone in zones])
    return {
        "min": float(values.min()),
        "mean_by_area": float(np.average(values, weights=weights)),
    }
