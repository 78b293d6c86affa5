import pytest
from sqlalchemy import inspect, text

from plans.errors import StorageCRSMismatchError
from plans.storage.database import check_storage_srid, describe_server, make_engine
from plans.storage.migrate import current_revision, head_revision, upgrade

TABLES = {
    "municipality",
    "plan",
    "plan_version",
    "zone",
    "zone_generalised",
    "api_key",
    "rule_set",
    "parcel",
    "overlay",
    "permit_check",
    "extract",
}


@pytest.fixture
def migrated_empty(empty_url):
    engine = make_engine(empty_url, pool_size=1)
    assert current_revision(engine) is None
    upgrade(engine, srid=32638)
    yield engine
    engine.dispose()


def test_migrations_apply_to_empty_database(migrated_empty):
    assert current_revision(migrated_empty) == head_revision()
    assert TABLES <= set(inspect(migrated_empty).get_table_names())
    assert describe_server(migrated_empty)["postgis"].startswith("3.")


def test_geometry_columns_carry_storage_srid(migrated_empty):
    with migrated_empty.connect() as conn:
        rows = conn.execute(
            text("SELECT f_table_name, f_geometry_column, srid, type FROM geometry_columns")
        ).all()
    srids = {(table, column): (srid, kind) for table, column, srid, kind in rows}
    assert srids[("zone", "geom")] == (32638, "MULTIPOLYGON")
    assert srids[("parcel", "geom")] == (32638, "MULTIPOLYGON")
    assert srids[("zone", "geom_3857")] == (3857, "MULTIPOLYGON")


def test_geometry_columns_are_gist_indexed(migrated_empty):
    with migrated_empty.connect() as conn:
        indexes = (
            conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gist%'")
            )
            .scalars()
            .all()
        )
    for name in (
        "zone_geom_gist",
        "zone_geom_3857_gist",
        "parcel_geom_gist",
        "parcel_geom_3857_gist",
        "overlay_geom_gist",
    ):
        assert name in indexes


def test_upgrade_twice_is_harmless(migrated_empty):
    assert upgrade(migrated_empty, srid=32638) == head_revision()


def test_srid_mismatch_named(migrated_empty):
    check_storage_srid(migrated_empty, 32638)
    with pytest.raises(
        StorageCRSMismatchError,
        match="stores geometries in EPSG:32638, but MUKHATTAT_CRS is EPSG:32637",
    ):
        check_storage_srid(migrated_empty, 32637)
