"""Paged GeoJSON reads of a geometry table, filtered by a lon/lat bounding box."""

import json
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from plans.records import Feature, FeaturePage

WGS84 = 4326
MERCATOR = 3857
_GEOJSON_DECIMALS = 7  # about 1 cm at the equator


def bbox_filter(
    mercator_column: InstrumentedAttribute[Any], bbox: Sequence[float]
) -> ColumnElement[bool]:
    """Return a filter on the stored EPSG:3857 column for a lon/lat `bbox` (uses its GiST index)."""
    envelope = func.ST_Transform(func.ST_MakeEnvelope(*bbox, WGS84), MERCATOR)
    return func.ST_Intersects(mercator_column, envelope)


def page_features(
    session: Session,
    base: Select[*tuple[Any, ...]],
    *,
    geom: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[int],
    limit: int,
    offset: int,
) -> FeaturePage:
    """Run `base` (a select of property columns, filtered) as one page of GeoJSON features.

    `base` selects the property columns; the id and the geometry in EPSG:4326 are added here.
    """
    # Short indexed reads: JIT compiling and parallel workers cost more than they save here
    # (bench/http_tiles.py: 17 ms of JIT and ~20 ms of worker start-up for a 10 ms count).
    session.execute(text("SET LOCAL jit = off"))
    session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    matched = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    geojson = func.ST_AsGeoJSON(func.ST_Transform(geom, WGS84), _GEOJSON_DECIMALS)
    rows = session.execute(
        base.add_columns(id_column.label("_id"), geojson.label("_geometry"))
        .order_by(id_column)
        .limit(limit)
        .offset(offset)
    ).mappings()
    features = tuple(
        Feature(
            id=int(row["_id"]),
            geometry=json.loads(row["_geometry"]),
            properties={k: _plain(v) for k, v in row.items() if not k.startswith("_")},
        )
        for row in rows
    )
    return FeaturePage(features=features, number_matched=int(matched), offset=offset, limit=limit)


def _plain(value: Any) -> Any:
    """Return `value` as a JSON scalar: dates as ISO text, decimals as floats, enums as values."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    return value.isoformat() if hasattr(value, "isoformat") else value
