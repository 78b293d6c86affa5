"""The two real 1958 Hartford-area pattern sheets: digitise and score inside the traced districts.

Scoring follows issue 9: in EPSG:32618, against the hand-traced truth reprojected from WGS 84,
inside the truth's districts; the truth's D-1/D-2 count as the key's D and Bloomfield's
`Not Zoned` patches (no key entry) are left out. The legend JSONs under `data/` hold the
printed key's swatch boxes (per-sheet input, as a planner would give them).
"""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from gis.crs import reproject
from gis.digitise import DigitiseResult, digitise
from gis.gcps import read_gcps
from gis.legend import Legend, PixelBox, read_legend
from gis.legend_detect import detect_key
from gis.legend_swatches import Box
from gis.raster import read_scan
from gis.scoring import Score, score_zones

SHEETS = {"west-hartford-1958": "West Hartford", "bloomfield-1958": "Bloomfield"}
SCORE_CRS = "EPSG:32618"
GCP_CRS = "EPSG:3857"
DATA = Path(__file__).with_name("data")
ALIASES = {"D-1": "D", "D-2": "D"}
LEFT_OUT = {"Not Zoned"}


@dataclass(frozen=True)
class RealSheet:
    """Inputs of one real sheet."""

    name: str
    scan: Path
    gcps_path: Path
    legend: Legend
    extent: BaseGeometry  # the municipal limit, in the GCPs' CRS
    truth: list[tuple[str, BaseGeometry]]  # in SCORE_CRS


def load_sheet(shared_data: Path, name: str) -> RealSheet:
    folder = shared_data / "real" / "hartford-ct-1950s-zoning-scans"
    towns = json.loads((folder / "town_boundaries_selected.geojson").read_text())
    town = next(f for f in towns["features"] if f["properties"]["town"] == SHEETS[name])
    extent = reproject(shape(town["geometry"]), 4326, GCP_CRS)
    features = json.loads((folder / name / "zoning_1958_groundtruth.geojson").read_text())
    truth = [
        (ALIASES.get(f["properties"]["zone"], f["properties"]["zone"]),
         reproject(shape(f["geometry"]), 4326, SCORE_CRS))
        for f in features["features"]
        if f["properties"]["zone"] not in LEFT_OUT
    ]  # fmt: skip
    return RealSheet(
        name,
        folder / name / "scan.jpg",
        folder / name / "scan.jpg.points",
        read_legend(DATA / f"{name}-legend.json"),
        extent,
        truth,
    )


def clip_to_truth(
    zones: Sequence[tuple[str, BaseGeometry]], truth: Sequence[tuple[str, BaseGeometry]]
) -> list[tuple[str, BaseGeometry]]:
    """Predicted zones inside the traced districts only (empty pieces dropped)."""
    inside = shapely.union_all([g for _, g in truth])
    clipped = [(code, shapely.intersection(g, inside)) for code, g in zones]
    return [(code, g) for code, g in clipped if g.area > 1.0]


def run_sheet(sheet: RealSheet) -> tuple[DigitiseResult, Score]:
    result = digitise(
        sheet.scan,
        read_gcps(sheet.gcps_path),
        sheet.legend,
        method="poly2",
        style="pattern",
        extent=sheet.extent,
        min_area_m2=2000.0,
    )
    zones = [(z.code, reproject(z.geometry, GCP_CRS, SCORE_CRS)) for z in result.zones]
    return result, score_real(zones, sheet.truth)


def score_real(
    zones: Sequence[tuple[str, BaseGeometry]], truth: Sequence[tuple[str, BaseGeometry]]
) -> Score:
    return score_zones(clip_to_truth(zones, truth), truth, step=5.0)


@dataclass(frozen=True)
class KeyScore:
    """How `mukhattat legend detect` read a real sheet's printed key against its legend JSON."""

    entries: int  # entries of the printed key (the legend JSON)
    found: int  # of them, with a detected swatch inside their swatch box
    labelled: int  # of them, with a detected swatch read as their code
    detected: int  # entries detected in all (found ones and false ones)


def score_key(sheet: RealSheet) -> KeyScore:
    """Detect the sheet's key and match each printed entry to what was detected."""
    key = detect_key(read_scan(sheet.scan))
    found = labelled = 0
    for entry in sheet.legend.entries:
        hits = [e for e in key.entries if _centre_inside(e.sample, entry.samples[0])]
        found += bool(hits)
        labelled += any(same_code(e.code, entry.code) for e in hits)
    return KeyScore(len(sheet.legend.entries), found, labelled, len(key.entries))


def same_code(a: str, b: str) -> bool:
    """Whether two zone codes are the same but for case, spaces and punctuation."""
    return re.sub(r"[^0-9a-z]", "", a.casefold()) == re.sub(r"[^0-9a-z]", "", b.casefold())


def _centre_inside(sample: Box, box: PixelBox) -> bool:
    x, y = (sample.x0 + sample.x1) / 2, (sample.y0 + sample.y1) / 2
    return box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1


def letters_named_right(
    result: DigitiseResult, truth: Sequence[tuple[str, BaseGeometry]]
) -> tuple[int, int]:
    """Zone letters read on the sheet, and how many lie in a traced district of their code.

    The letters are the report's ``zone_labels`` (pixel positions), taken through the fitted
    transform to the GCPs' CRS and on to `SCORE_CRS`. A letter outside every traced district
    counts as read wrong.
    """
    letters = result.report["zone_labels"]
    if not letters:
        return 0, 0
    pixels = [(x + 0.5, y + 0.5) for x, y in (letter["pixel"] for letter in letters)]
    points = shapely.points(result.transform.apply(pixels))
    points = [reproject(point, GCP_CRS, SCORE_CRS) for point in points]
    right = sum(
        any(ALIASES.get(code, code) == letter["code"] and geometry.covers(point)
            for code, geometry in truth)
        for letter, point in zip(letters, points, strict=True)
    )  # fmt: skip
    return len(letters), right


def overruling_letters_kept(result: DigitiseResult) -> tuple[int, int]:
    """Zone letters that overruled the texture, and how many of them the zones still name.

    A letter overrules where the texture read another code around it (the report's
    ``zone_labels``); it is kept when the zone covering its pixel has the letter's code.
    """
    overruled = [z for z in result.report["zone_labels"] if z["texture"] not in (z["code"], None)]
    if not overruled:
        return 0, 0
    pixels = [(x + 0.5, y + 0.5) for x, y in (letter["pixel"] for letter in overruled)]
    points = shapely.points(result.transform.apply(pixels))
    kept = sum(
        any(zone.code == letter["code"] and zone.geometry.covers(point) for zone in result.zones)
        for letter, point in zip(overruled, points, strict=True)
    )
    return len(overruled), kept
