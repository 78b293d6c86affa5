"""Import a vector file of parcels, keeping parcel numbers unique within a municipality."""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyproj import CRS
from sqlalchemy.orm import Session

from gis.crs import srid_of
from gis.types import CRSLike, InvalidPolicy
from plans.errors import ConflictError, ImportDataError
from plans.imports.prepared import PreparedLayer, list_ids, prepare_layer, text_column
from plans.records import ParcelImportReport
from plans.storage.municipalities import ensure_municipality
from plans.storage.parcels import add_parcels, existing_numbers


@dataclass(frozen=True)
class ParcelImportRequest:
    """What to import: the file, the municipality, and how to read it."""

    path: Path
    municipality: str
    number_column: str = "number"
    layer: str | None = None
    crs: CRSLike | None = None
    on_invalid: InvalidPolicy = "repair"


def import_parcels(
    session: Session, request: ParcelImportRequest, *, storage_crs: CRS
) -> ParcelImportReport:
    """Store the file's parcels (flushes; the caller commits); refuse duplicate numbers.

    A number that appears twice in the file, or that the municipality already has, stops the
    whole import before anything is written.
    """
    layer = prepare_layer(
        request.path,
        storage_crs=storage_crs,
        layer=request.layer,
        crs=request.crs,
        on_invalid=request.on_invalid,
    )
    numbers = text_column(layer, request.number_column, what="parcel number", source=request.path)
    _refuse_repeats(numbers, request.path)
    municipality = ensure_municipality(session, request.municipality)
    clashes = existing_numbers(session, municipality.id, numbers)
    if clashes:
        raise ConflictError(
            f"{request.path}: {len(clashes)} parcel number(s) already exist in municipality "
            f"{request.municipality!r}: {list_ids(clashes)}"
        )
    add_parcels(
        session,
        municipality.id,
        numbers=numbers,
        geoms=layer.geoms,
        attributes=_attributes(layer, request.number_column),
        srid=srid_of(storage_crs),
        source_name=request.path.name,
    )
    session.flush()
    return ParcelImportReport(
        municipality=request.municipality,
        parcels=len(numbers),
        area_m2=round(sum(g.area for g in layer.geoms), 2),
        repaired=layer.repair.repaired,
    )


def _refuse_repeats(numbers: list[str], source: Path) -> None:
    repeated = sorted(n for n, count in Counter(numbers).items() if count > 1)
    if repeated:
        raise ImportDataError(
            f"{source}: {len(repeated)} parcel number(s) appear more than once: "
            f"{list_ids(repeated)}"
        )


def _attributes(layer: PreparedLayer, number_column: str) -> list[dict[str, Any]]:
    """Keep the file's other columns as JSON attributes (plain scalars only)."""
    frame = layer.frame.drop(columns=[layer.frame.geometry.name, number_column])
    plain = frame.astype(object).where(frame.notna(), None)
    return [{k: _scalar(v) for k, v in row.items()} for row in plain.to_dict(orient="records")]


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "item"):
        return value.item()
    return str(value)
