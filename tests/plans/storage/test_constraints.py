import datetime as dt

import pytest
from geoalchemy2.shape import from_shape
from shapely import box
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from plans.storage.models import Parcel, PlanVersion, SourceKind, VersionStatus, Zone
from plans.storage.municipalities import ensure_municipality
from plans.storage.plan_versions import add_version, ensure_plan

SRID = 32637
SQUARE = MultiPolygon([box(521000, 2383000, 521010, 2383010)])


@pytest.fixture
def version(session):
    plan = ensure_plan(session, ensure_municipality(session, "TST"), "P1")
    return add_version(
        session,
        plan,
        effective_from=dt.date(2024, 1, 1),
        source_kind=SourceKind.VECTOR,
        source_name="t",
    )


def _zone(version_id, geom):
    return {
        "plan_version_id": version_id,
        "zone_code": "R",
        "geom": from_shape(geom, srid=SRID),
        "confidence": 1.0,
    }


def test_invalid_geometry_refused_by_database(session, version):
    bowtie = MultiPolygon([Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])])
    with pytest.raises(IntegrityError, match="zone_geom_valid"):
        session.execute(insert(Zone), [_zone(version.id, bowtie)])


def test_wrong_srid_refused_by_database(session, version):
    with pytest.raises(Exception, match="SRID"):
        session.execute(
            insert(Zone), [{**_zone(version.id, SQUARE), "geom": from_shape(SQUARE, srid=4326)}]
        )


def test_mercator_copy_generated(session, version):
    session.execute(insert(Zone), [_zone(version.id, SQUARE)])
    zone = session.query(Zone).one()
    session.refresh(zone)
    assert zone.geom_3857 is not None


def test_parcel_numbers_unique_per_municipality(session):
    first = ensure_municipality(session, "A")
    second = ensure_municipality(session, "B")
    row = {"number": "7", "geom": from_shape(SQUARE, srid=SRID)}
    session.execute(
        insert(Parcel),
        [{**row, "municipality_id": first.id}, {**row, "municipality_id": second.id}],
    )
    with pytest.raises(IntegrityError, match="parcel_municipality_id_number_key"):
        session.execute(insert(Parcel), [{**row, "municipality_id": first.id}])


def test_two_versions_in_force_refused(session, version):
    second = add_version(
        session,
        version.plan,
        effective_from=dt.date(2025, 1, 1),
        source_kind=SourceKind.VECTOR,
        source_name="t",
    )
    version.status = VersionStatus.IN_FORCE
    session.flush()
    second.status = VersionStatus.IN_FORCE
    with pytest.raises(IntegrityError, match="plan_version_one_in_force"):
        session.flush()


def test_published_versions_cannot_overlap_in_time(session, version):
    version.status = VersionStatus.SUPERSEDED
    version.effective_to = dt.date(2025, 6, 1)
    session.flush()
    overlapping = PlanVersion(
        plan_id=version.plan_id,
        version=2,
        status=VersionStatus.IN_FORCE,
        effective_from=dt.date(2025, 1, 1),
        source_kind=SourceKind.VECTOR,
    )
    session.add(overlapping)
    with pytest.raises(IntegrityError, match="plan_version_published_no_overlap"):
        session.flush()


def test_version_numbers_increase_per_plan(session, version):
    again = add_version(
        session,
        version.plan,
        effective_from=dt.date(2024, 1, 1),
        source_kind=SourceKind.VECTOR,
        source_name="t",
    )
    assert (version.version, again.version) == (1, 2)
