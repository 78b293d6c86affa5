"""Paged GeoJSON reads of a geometry table, filtered by a lon/lat bounding box."""

from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from plans.records import Feature, FeaturePage

WGS84 = 4326
MERCATOR = 3857
_GEOJSON_DECIMALS = 7  # about 1 cm at the equator


def bbox_filter(
    mercator_column: InstrumentedAttribute[Any], bbox: Sequence[float]
) -> ColumnElement[bool]:
    """Return a filter on the stored EPSG:3857 column for a lon/lat `bbox` (uses its GiST index).

    A lon/lat rectangle is a rectangle in EPSG:3857 too, so a feature whose bounding box lies
    inside it intersects it: the cheap box test (``@``) answers for most features, and the exact
    test runs only for those that straddle the edge (bench/http_tiles.py: 15,000 parcels
    filtered in 32 ms by the exact test alone).
    """
    envelope = func.ST_Transform(func.ST_MakeEnvelope(*bbox, WGS84), MERCATOR)
    return and_(
        mercator_column.op("&&")(envelope),
        or_(mercator_column.op("@")(envelope), func.ST_Intersects(mercator_column, envelope)),
    )


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
    One query counts the matches and reads the page: the ids of the matches are gathered once
    through the spatial index (a materialised CTE) and sorted; properties and geometries are
    read for the page's ids only. Left to itself the planner walks the primary key to serve
    ``ORDER BY id LIMIT`` and tests every parcel it meets against the bbox (60 ms instead of 20
    for a 15,000-parcel bbox, bench/http_tiles.py). Meant for connections
    made with `plans.storage.database.SHORT_QUERY_OPTIONS` (no JIT, no parallel workers).
    """
    hits = base.with_only_columns(id_column.label("_id")).cte("hits").prefix_with("MATERIALIZED")
    counted = select(func.count().label("_matched")).select_from(hits).subquery("counted")
    page = select(hits.c._id).order_by(hits.c._id).limit(limit).offset(offset).subquery("page")
    geojson = func.ST_AsGeoJSON(func.ST_Transform(geom, WGS84), _GEOJSON_DECIMALS)
    page_rows = (
        base.add_columns(id_column.label("_id"), geojson.label("_geometry"))
        .where(id_column.in_(select(page.c._id)))
        .subquery("page_rows")
    )
    query = (
        select(counted.c._matched, page_rows)
        .select_from(counted.outerjoin(page_rows, true()))
        .order_by(page_rows.c._id)
    )
    result = session.execute(query)
    names = list(result.keys())
    properties = [(i, name) for i, name in enumerate(names) if not name.startswith("_")]
    rows = result.all()
    features = tuple(
        Feature(
            id=int(row._id),
            geometry_json=row._geometry,
            properties={name: _plain(row[i]) for i, name in properties},
        )
        for row in rows
        if row._id is not None
    )
    matched = int(rows[0]._matched) if rows else 0
    return FeaturePage(features=features, number_matched=matched, offset=offset, limit=limit)


def _plain(value: Any) -> Any:
    """Return `value` as a JSON scalar: dates as ISO text, decimals as floats, enums as values."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    return value.isoformat() if hasattr(value, "isoformat") else value
