"""Check one building on every parcel of a town, with the same engine as the one-parcel check.

Results are rows: ``parcel_id``, ``district``, ``verdict``, one column per OZFS field checked
(``res_uses``, ``height``, ``stories``, ``lot_cov_bldg``, ``lot_size``, ``parking_uncovered``,
``setbacks``: pass / fail / needs_review / not_applicable) and ``seconds``, the parcel's time.
"""

import csv
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyproj import CRS

from plans.ozfs.buildings import Building
from plans.ozfs.check import OZFS_REGISTRY, OzfsCheck, PreparedZoning, check_parcel, plot_of
from plans.ozfs.reading import project, project_geometry, read_parcels, read_zoning
from plans.ozfs.rules import OzfsRegistry, Plot

CHECK_COLUMNS: tuple[str, ...] = (
    "res_uses",
    "height",
    "stories",
    "lot_cov_bldg",
    "lot_size",
    "parking_uncovered",
    "setbacks",
)
"""One column per OZFS field checked, in output order."""
COLUMNS: tuple[str, ...] = ("parcel_id", "district", "verdict", *CHECK_COLUMNS, "seconds")

Row = dict[str, str | float]


@dataclass(frozen=True)
class Town:
    """A town ready to check: its prepared zoning and its parcels as plots (metric CRS)."""

    zoning: PreparedZoning
    plots: tuple[Plot, ...]
    skipped_districts: tuple[str, ...] = ()


def load_town(zoning_path: Path, parcels_path: Path, *, crs: CRS) -> Town:
    """Read an OZFS zoning file and parcel file into a `Town` in `crs` (metric).

    Districts without geometry are kept in the rules but listed in ``skipped_districts``.
    """
    zoning = read_zoning(zoning_path)
    districts, skipped = [], []
    for district, geom in zip(zoning.document.districts, zoning.geometries, strict=True):
        if geom is None:
            skipped.append(district.dist_abbr)
        else:
            districts.append((district.dist_abbr, project_geometry(geom, crs)))
    identifier = f"ozfs:{zoning.document.muni_name}:{zoning.document.date}"
    prepared = PreparedZoning(identifier, zoning.document, tuple(districts))
    plots = tuple(plot_of(parcel) for parcel in project(read_parcels(parcels_path), crs))
    return Town(prepared, plots, tuple(skipped))


def check_all(
    town: Town, building: Building, *, registry: OzfsRegistry = OZFS_REGISTRY
) -> list[OzfsCheck]:
    """Check `building` on every plot of `town` (each with `check_parcel`)."""
    return [check_parcel(plot, town.zoning, building, registry=registry) for plot in town.plots]


def check_all_files(
    zoning_path: Path, parcels_path: Path, building: Building, *, crs: CRS
) -> tuple[list[OzfsCheck], float]:
    """Check `building` on every parcel of the files; return the checks and total seconds."""
    start = time.perf_counter()
    checks = check_all(load_town(zoning_path, parcels_path, crs=crs), building)
    return checks, time.perf_counter() - start


def result_rows(checks: Sequence[OzfsCheck]) -> list[Row]:
    """Return one row per parcel (see the module docstring for the columns)."""
    rows = []
    for check in checks:
        row: Row = {
            "parcel_id": check.parcel_id,
            "district": check.district or "",
            "verdict": check.result.verdict,
        }
        statuses = {r.rule: r.status for r in check.result.rules}
        row |= {column: statuses.get(column, "not_applicable") for column in CHECK_COLUMNS}
        row["seconds"] = round(check.seconds, 6)
        rows.append(row)
    return rows


def write_rows(rows: Sequence[Row], path: Path) -> None:
    """Write `rows` to ``.csv`` or ``.parquet`` (chosen by the suffix of `path`).

    Raises
    ------
    ValueError
        When the suffix is neither.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.DictWriter(stream, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    elif suffix == ".parquet":
        _write_parquet(rows, path)
    else:
        raise ValueError(f"results go to a .csv or .parquet file, got {path.name!r}")


def _write_parquet(rows: Sequence[Row], path: Path) -> None:
    # Imported here: pyarrow is an optional dependency that only the parquet writer needs.
    import pyarrow as pa  # type: ignore[import-untyped]  # noqa: PLC0415
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # noqa: PLC0415

    columns = {name: [row[name] for row in rows] for name in COLUMNS}
    pq.write_table(pa.table(columns), path)
