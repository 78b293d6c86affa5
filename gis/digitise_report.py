"""The quality report of a digitised sheet: georeferencing, classes, coverage, what to review."""

from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import shapely

from gis.classify import Classification
from gis.georef import FittedTransform
from gis.outline_codes import OutlineClassification
from gis.pattern import PatternClassification
from gis.topology import coverage_report
from gis.vectorise import ZoneRegion

LOW_CONFIDENCE: Final = 0.5
"""Pixels and zones below this confidence are reported as uncertain."""

Classified = Classification | PatternClassification | OutlineClassification
"""What a sheet's pixels were classified into, by style."""


def build_report(
    zones: list[ZoneRegion],
    classes: Classified,
    transform: FittedTransform,
    timings: Mapping[str, float],
) -> dict[str, Any]:
    """JSON-ready report of a digitised sheet (see `gis.digitise.DigitiseResult.report`)."""
    georef = transform.report
    coverage = coverage_report([zone.geometry for zone in zones])
    areas = dict.fromkeys(classes.codes, 0.0)
    for zone in zones:
        areas[zone.code] += zone.geometry.area
    total = max(sum(areas.values()), 1e-300)
    low = _low_confidence_share(classes)
    review = [i for i, zone in enumerate(zones) if zone.confidence < LOW_CONFIDENCE]
    warnings = [f"GCP {i} looks misplaced (leave-one-out error)" for i in georef.suspects]
    warnings += [f"zone code {c} was not found on the scan" for c, a in areas.items() if a == 0]
    if low > 0.1:
        warnings.append(f"{low:.0%} of the map was classified with low confidence")
    if isinstance(classes, OutlineClassification):
        flagged, notes = _outline_review(zones, classes, transform)
        review = sorted(set(review) | flagged)
        warnings += notes
    if isinstance(classes, PatternClassification):
        flagged, notes = _letter_review(zones, classes, transform)
        review = sorted(set(review) | flagged)
        warnings += notes + _unmatched_note(classes)
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


def _low_confidence_share(classes: Classified) -> float:
    """Share of the map's pixels (labels > 0) below `LOW_CONFIDENCE`, without copying them."""
    map_pixels = classes.labels > 0
    low = np.count_nonzero(map_pixels & (classes.confidence < LOW_CONFIDENCE * 255))
    return float(low) / max(int(np.count_nonzero(map_pixels)), 1)


def _count(zones: list[ZoneRegion], code: str) -> int:
    return sum(zone.code == code for zone in zones)


def _letter_review(
    zones: list[ZoneRegion], classes: PatternClassification, transform: FittedTransform
) -> tuple[set[int], list[str]]:
    """Zones holding a zone letter that overruled the texture around it; warnings."""
    overruled = [
        (label.col + 0.5, label.row + 0.5)
        for label, texture in zip(classes.zone_labels, classes.texture_at_labels, strict=True)
        if texture is not None and texture != label.code
    ]
    if not overruled:
        return set(), []
    flagged = _zones_holding(zones, np.array(overruled), transform)
    note = (
        f"{len(overruled)} zone letter(s) named another zone than the texture read around "
        f"them, and their code was given there (zone_labels: code vs texture); review zones "
        f"{sorted(flagged)}"
    )
    return flagged, [note]


def _unmatched(classes: PatternClassification) -> list[str]:
    """List the entries (codes) whose samples matched no map cells: no district is theirs."""
    supported = classes.model.supported
    if supported is None:
        return []
    return [code for code, held in zip(classes.codes, supported, strict=True) if not held]


def _unmatched_note(classes: PatternClassification) -> list[str]:
    """Warn of the entries whose samples look like no district on the map (none: no note)."""
    codes = _unmatched(classes)
    if not codes:
        return []
    return [
        f"key entries {', '.join(codes)} matched no district on the map by their samples' "
        "texture (textures.unmatched): their districts, if any, carry other codes, or "
        "theirs only where no other entry's texture fits, where plain paper carries the "
        "small marks (dots, scallops) only their swatch shows or, for a stipple, where its "
        "dots are found one by one (check those). If their districts look unlike the key's "
        "swatch, add a box inside one of them to the entry's samples"
    ]


def _zones_holding(
    zones: list[ZoneRegion], pixels: npt.NDArray[np.floating], transform: FittedTransform
) -> set[int]:
    """Return the indices of the zones holding any of the (n, 2) pixel positions (x, y)."""
    points = shapely.points(transform.apply(pixels))
    return {i for i, zone in enumerate(zones) if shapely.intersects(zone.geometry, points).any()}


def _outline_review(
    zones: list[ZoneRegion], classes: OutlineClassification, transform: FittedTransform
) -> tuple[set[int], list[str]]:
    """Zones holding a face whose label could not be read or was read two ways; warnings."""
    both = np.concatenate([classes.unlabelled_points, classes.conflict_points])
    flagged = _zones_holding(zones, both, transform)
    notes = []
    if count := len(classes.unlabelled_points):
        notes.append(
            f"{count} area(s) had no readable label and took a neighbour's code with "
            f"confidence 0 (ocr.unlabelled); review zones {sorted(flagged)}"
        )
    if classes.ocr["conflicts"]:
        notes.append(
            f"{len(classes.ocr['conflicts'])} area(s) showed conflicting labels: the most "
            "voted was taken with lowered confidence (ocr.conflicts)"
        )
    if dropped := classes.ocr["edge_faces_off_map"]:
        notes.append(
            f"no map frame was found: {dropped} area(s) at the scan's edge with no label "
            "were left off the map (the paper's margin?); check the coverage's extent"
        )
    return flagged, notes


def _learned(classes: Classified) -> dict[str, Any]:
    if isinstance(classes, OutlineClassification):
        return {"ocr": dict(classes.ocr)}
    if isinstance(classes, PatternClassification):
        texture = classes.model
        return {
            "textures": {
                "period_px": texture.scale.period,
                "window_px": texture.scale.window,
                "step_px": texture.scale.step,
                "blank": None if texture.blank is None else texture.codes[texture.blank - 1],
                "unmatched": _unmatched(classes),
                "means": {
                    c: m.round(3).tolist()
                    for c, m in zip(texture.codes, texture.means, strict=True)
                },
            },
            "zone_labels": [
                {
                    "code": z.code,
                    "pixel": [round(z.col), round(z.row)],
                    "score": z.score,
                    "texture": texture,
                }
                for z, texture in zip(classes.zone_labels, classes.texture_at_labels, strict=True)
            ],
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
