"""A small synthetic town (zones and parcels) for the demo, so a clone needs no outside data.

Laid out like a new district of Jeddah in UTM zone 37N: a grid of blocks separated by 20 m
streets and a 30 m main road, residential blocks split into 30 m x 40 m plots, a commercial
strip along the main road, a school and a park. Zones cover the district without gaps or
overlaps, streets included (zone code ``ROAD``).
"""

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
from shapely import box
from shapely.geometry import Polygon
from shapely.ops import unary_union

SAMPLE_CRS = "EPSG:32637"
SAMPLE_MUNICIPALITY = "JED-DEMO"
SAMPLE_PLAN = "JED-101"
_ORIGIN = (521_000.0, 2_383_000.0)
_BLOCK = (120.0, 80.0)
_STREET = 20.0
_MAIN_ROAD = 30.0
_COLUMNS, _ROWS = 6, 5
_MAIN_ROAD_AFTER_COLUMN = 2  # the main road runs north-south after this block column
_PLOT = (30.0, 40.0)


@dataclass(frozen=True)
class SampleTown:
    """Zones and parcels of the sample town, in `SAMPLE_CRS`."""

    zones: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame

    def write(self, folder: Path) -> tuple[Path, Path]:
        """Write `zones.gpkg` and `parcels.gpkg` into `folder`; return their paths."""
        folder.mkdir(parents=True, exist_ok=True)
        zones_path, parcels_path = folder / "zones.gpkg", folder / "parcels.gpkg"
        self.zones.to_file(zones_path, layer="zones", driver="GPKG")
        self.parcels.to_file(parcels_path, layer="parcels", driver="GPKG")
        return zones_path, parcels_path


def build_sample_town() -> SampleTown:
    """Return the sample town's zones and parcels."""
    blocks = {(col, row): _block(col, row) for col in range(_COLUMNS) for row in range(_ROWS)}
    codes = {key: _block_code(*key) for key in blocks}
    extent = box(*unary_union(list(blocks.values())).bounds).buffer(_STREET, join_style="mitre")
    zone_rows = [
        {
            "zone_code": code,
            "geometry": unary_union([b for k, b in blocks.items() if codes[k] == code]),
        }
        for code in sorted(set(codes.values()))
    ]
    zone_rows.append(
        {"zone_code": "ROAD", "geometry": extent.difference(unary_union(list(blocks.values())))}
    )
    parcel_rows = [
        {
            "number": f"{101 + col * _ROWS + row}-{i + 1:02d}",
            "block": f"{101 + col * _ROWS + row}",
            "geometry": plot,
        }
        for (col, row), block in blocks.items()
        if codes[(col, row)] in {"RES_A", "COM"}
        for i, plot in enumerate(_plots(block))
    ]
    return SampleTown(
        zones=gpd.GeoDataFrame(zone_rows, crs=SAMPLE_CRS),
        parcels=gpd.GeoDataFrame(parcel_rows, crs=SAMPLE_CRS),
    )


def _block(col: int, row: int) -> Polygon:
    x0 = _ORIGIN[0] + col * (_BLOCK[0] + _STREET)
    if col > _MAIN_ROAD_AFTER_COLUMN:
        x0 += _MAIN_ROAD - _STREET
    y0 = _ORIGIN[1] + row * (_BLOCK[1] + _STREET)
    return box(x0, y0, x0 + _BLOCK[0], y0 + _BLOCK[1])


def _block_code(col: int, row: int) -> str:
    if col in (_MAIN_ROAD_AFTER_COLUMN, _MAIN_ROAD_AFTER_COLUMN + 1):
        return "COM"
    if (col, row) == (0, 4):
        return "EDU"
    if (col, row) == (5, 0):
        return "PARK"
    return "RES_A"


def _plots(block: Polygon) -> list[Polygon]:
    minx, miny, maxx, maxy = block.bounds
    across, down = int((maxx - minx) // _PLOT[0]), int((maxy - miny) // _PLOT[1])
    return [
        box(
            minx + i * _PLOT[0],
            miny + j * _PLOT[1],
            minx + (i + 1) * _PLOT[0],
            miny + (j + 1) * _PLOT[1],
        )
        for j in range(down)
        for i in range(across)
    ]
