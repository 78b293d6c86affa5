"""Synthetic zone and parcel layers with exact, known areas (built in the storage CRS)."""

from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely import box
from shapely.geometry import Polygon

from gis.synthetic import make_sheet
from gis.synthetic_files import write_sheet_files as write_sheet_files_of

STORAGE_CRS = "EPSG:32637"
ORIGIN = (521_000.0, 2_383_000.0)


def zone_layer() -> gpd.GeoDataFrame:
    """Three zones in EPSG:32637: 100x50 m RES (5,000 m²), 40x50 m COM, an L-shaped PARK."""
    x, y = ORIGIN
    park = Polygon(
        [
            (x, y + 50),
            (x + 140, y + 50),
            (x + 140, y + 80),
            (x + 20, y + 80),
            (x + 20, y + 120),
            (x, y + 120),
        ]
    )
    return gpd.GeoDataFrame(
        {
            "zone_code": ["RES", "COM", "PARK"],
            "geometry": [box(x, y, x + 100, y + 50), box(x + 100, y, x + 140, y + 50), park],
        },
        crs=STORAGE_CRS,
    )


def parcel_layer(numbers: list[str] | None = None) -> gpd.GeoDataFrame:
    """A row of 20x25 m parcels (500 m² each) in EPSG:32637."""
    x, y = ORIGIN
    numbers = numbers or ["P-1", "P-2", "P-3", "P-4"]
    geoms = [box(x + 20 * i, y, x + 20 * (i + 1), y + 25) for i in range(len(numbers))]
    return gpd.GeoDataFrame(
        {"number": numbers, "owner_kind": "private", "geometry": geoms}, crs=STORAGE_CRS
    )


def write_layer(frame: gpd.GeoDataFrame, path: Path, *, crs: str | None = None) -> Path:
    """Write `frame` (reprojected to `crs` when given) to `path`; the driver follows the suffix."""
    out = frame.to_crs(crs) if crs else frame
    out.to_file(path)
    return path


def write_sheet_files(
    folder: Path, *, kind: str = "printed", seed: int = 0
) -> tuple[Path, Path, Path, Any]:
    """Write a small synthetic sheet as scan, GCP and legend files; return them and the sheet."""
    sheet = make_sheet(kind, seed=seed, height=300, width=400, cells=6, codes=3)
    return (*write_sheet_files_of(sheet, folder), sheet)
