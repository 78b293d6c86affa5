"""Low-zoom shapes: dissolved and simplified where that pays, the zones themselves where not."""

import datetime as dt

import numpy as np
from shapely import box, segmentize, voronoi_polygons
from shapely.geometry import MultiPoint, MultiPolygon
from sqlalchemy import func, select

from plans.storage.models import SourceKind, ZoneGeneralised
from plans.storage.municipalities import ensure_municipality
from plans.storage.plan_versions import add_version, ensure_plan
from plans.storage.zones import add_zones, refresh_generalised

X0, Y0 = 521_000.0, 2_383_000.0


def _version(session):
    plan = ensure_plan(session, ensure_municipality(session, "GEN"), "G-1")
    return add_version(
        session,
        plan,
        effective_from=dt.date(2024, 1, 1),
        source_kind=SourceKind.VECTOR,
        source_name="t",
    )


def _store(session, codes, geoms):
    version = _version(session)
    add_zones(
        session,
        version.id,
        codes=codes,
        geoms=[MultiPolygon([g]) for g in geoms],
        confidences=[1.0] * len(geoms),
        srid=32637,
    )
    return version.id


def _pieces(session, version_id):
    query = select(ZoneGeneralised.zone_code, func.count()).where(
        ZoneGeneralised.plan_version_id == version_id
    )
    return dict(session.execute(query.group_by(ZoneGeneralised.zone_code)).all())


def test_many_curved_zones_are_dissolved_per_code(session):
    rng = np.random.default_rng(3)
    frame = box(X0, Y0, X0 + 3000, Y0 + 3000)
    points = MultiPoint(rng.uniform([X0, Y0], [X0 + 3000, Y0 + 3000], size=(400, 2)))
    cells = [c.intersection(frame) for c in voronoi_polygons(points, extend_to=frame).geoms]
    # Digitised outlines carry a vertex every metre or two; codes come in districts (bands).
    cells = [segmentize(c, 2.0) for c in cells if c.geom_type == "Polygon"]
    codes = [f"Z{int((c.centroid.x - X0) // 1000)}" for c in cells]
    version_id = _store(session, codes, cells)
    assert refresh_generalised(session, version_id) == "generalised"
    pieces = _pieces(session, version_id)
    assert set(pieces) == {"Z0", "Z1", "Z2"}
    assert sum(pieces.values()) < len(cells) / 2


def test_simple_rectangles_kept_as_they_are(session):
    squares = [box(X0 + 100 * i, Y0, X0 + 100 * (i + 1), Y0 + 100) for i in range(10)]
    version_id = _store(session, ["A", "B"] * 5, squares)
    assert refresh_generalised(session, version_id) == "raw"
    assert _pieces(session, version_id) == {"A": 5, "B": 5}
