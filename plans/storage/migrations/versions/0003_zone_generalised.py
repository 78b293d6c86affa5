"""Generalised zones per plan version and code, for small-scale (low zoom) vector tiles.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "zone_generalised",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "plan_version_id",
            sa.Integer,
            sa.ForeignKey("plan_version.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("zone_code", sa.String(64), nullable=False),
        sa.Column(
            "geom_3857",
            Geometry(geometry_type="MULTIPOLYGON", srid=3857, spatial_index=False),
            nullable=False,
        ),
    )
    op.create_index(
        "zone_generalised_geom_3857_gist", "zone_generalised", ["geom_3857"], postgresql_using="gist"
    )


def downgrade() -> None:
    op.drop_table("zone_generalised")
