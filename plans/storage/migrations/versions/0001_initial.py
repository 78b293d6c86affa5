"""Initial schema: municipalities, plans and versions, zones, parcels, overlays, rules, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Written by hand from the models. Geometry columns take the deployment's storage SRID, handed
over by `plans.storage.migrate` as ``config.attributes["storage_srid"]``.
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("draft", "in_force", "superseded")
SOURCES = ("vector", "scan", "ozfs")


def _srid() -> int:
    return int(context.config.attributes["storage_srid"])


def _geom(kind: str, srid: int) -> Geometry:
    return Geometry(geometry_type=kind, srid=srid, spatial_index=False)


def _now() -> "sa.Column[dt.datetime]":
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _valid_geometry(table: str, column: str = "geom") -> None:
    op.create_check_constraint(
        f"{table}_{column}_valid", table, sa.text(f"ST_IsValid({column}) AND NOT ST_IsEmpty({column})")
    )
    op.create_index(f"{table}_{column}_gist", table, [column], postgresql_using="gist")


def _mercator_copy(table: str, kind: str) -> None:
    op.add_column(
        table,
        sa.Column(
            "geom_3857",
            Geometry(geometry_type=kind, srid=3857, spatial_index=False),
            sa.Computed("ST_Transform(geom, 3857)", persisted=True),
        ),
    )
    op.create_index(f"{table}_geom_3857_gist", table, ["geom_3857"], postgresql_using="gist")


def upgrade() -> None:
    srid = _srid()
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")

    op.create_table(
        "municipality",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name_ar", sa.Text),
        sa.Column("name_en", sa.Text),
        _now(),
    )
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("municipality_id", sa.Integer, sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("title_ar", sa.Text),
        sa.Column("title_en", sa.Text),
        sa.UniqueConstraint("municipality_id", "number"),
    )
    op.create_table(
        "plan_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plan.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("effective_to", sa.Date),
        sa.Column("source_kind", sa.String(16), nullable=False),
        sa.Column("source_name", sa.Text),
        sa.Column("georeference", JSONB),
        sa.Column("quality_report", JSONB),
        _now(),
        sa.Column("created_by", sa.Text),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("plan_id", "version"),
        sa.CheckConstraint(f"status IN {STATUSES}", name="version_status"),
        sa.CheckConstraint(f"source_kind IN {SOURCES}", name="source_kind"),
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from", name="effective_dates_ordered"
        ),
    )
    # One version in force per plan, and published versions never overlap in time.
    op.create_index(
        "plan_version_one_in_force",
        "plan_version",
        ["plan_id"],
        unique=True,
        postgresql_where=sa.text("status = 'in_force'"),
    )
    op.execute(
        "ALTER TABLE plan_version ADD CONSTRAINT plan_version_published_no_overlap "
        "EXCLUDE USING gist (plan_id WITH =, daterange(effective_from, effective_to) WITH &&) "
        "WHERE (status IN ('in_force', 'superseded'))"
    )

    op.create_table(
        "zone",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "plan_version_id",
            sa.Integer,
            sa.ForeignKey("plan_version.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("zone_code", sa.String(64), nullable=False),
        sa.Column("geom", _geom("MULTIPOLYGON", srid), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False, server_default="1"),
        sa.Column("attributes", JSONB),
        sa.CheckConstraint("confidence BETWEEN 0 AND 1", name="confidence_unit"),
        sa.CheckConstraint("zone_code <> ''", name="zone_code_not_empty"),
    )
    _valid_geometry("zone")
    _mercator_copy("zone", "MULTIPOLYGON")

    op.create_table(
        "parcel",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("municipality_id", sa.Integer, sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("geom", _geom("MULTIPOLYGON", srid), nullable=False),
        sa.Column("attributes", JSONB),
        sa.Column("source_name", sa.Text),
        sa.UniqueConstraint("municipality_id", "number"),
        sa.CheckConstraint("number <> ''", name="parcel_number_not_empty"),
    )
    _valid_geometry("parcel")
    _mercator_copy("parcel", "MULTIPOLYGON")

    op.create_table(
        "overlay",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("municipality_id", sa.Integer, sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("geom", _geom("MULTIPOLYGON", srid), nullable=False),
        sa.Column("effective_from", sa.Date),
        sa.Column("effective_to", sa.Date),
    )
    _valid_geometry("overlay")

    op.create_table(
        "rule_set",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("municipality_id", sa.Integer, sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("identifier", sa.String(128), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("effective_to", sa.Date),
        sa.Column("source", sa.Text),
        sa.Column("document", JSONB, nullable=False),
        _now(),
        sa.UniqueConstraint("municipality_id", "identifier", "version"),
    )

    op.create_table(
        "permit_check",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(40), nullable=False, unique=True),
        sa.Column("municipality_id", sa.Integer, sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("parcel_id", sa.Integer, sa.ForeignKey("parcel.id")),
        sa.Column("plan_version_id", sa.Integer, sa.ForeignKey("plan_version.id")),
        sa.Column("rule_set_id", sa.Integer, sa.ForeignKey("rule_set.id")),
        sa.Column("application", JSONB, nullable=False),
        sa.Column("result", JSONB, nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )

    op.create_table(
        "extract",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(40), nullable=False, unique=True),
        sa.Column("municipality_id", sa.Integer, sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("parcel_id", sa.Integer, sa.ForeignKey("parcel.id")),
        sa.Column("area", _geom("POLYGON", srid)),
        sa.Column("plan_version_id", sa.Integer, sa.ForeignKey("plan_version.id")),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("options", JSONB, nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("issued_by", sa.Text),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_hex"),
    )


def downgrade() -> None:
    for table in ("extract", "permit_check", "rule_set", "overlay", "parcel", "zone", "plan_version", "plan", "municipality"):
        op.drop_table(table)
