"""API keys with roles scoped to a municipality; who published a version or loaded a rule set.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("clerk", "planner", "admin")


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("municipality_id", sa.Integer, sa.ForeignKey("municipality.id")),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.Text),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(f"role IN {ROLES}", name="api_key_role"),
        sa.CheckConstraint("secret_hash LIKE '$argon2%'", name="api_key_hashed"),
    )
    op.add_column("plan_version", sa.Column("published_by", sa.Text))
    op.add_column("rule_set", sa.Column("created_by", sa.Text))


def downgrade() -> None:
    op.drop_column("rule_set", "created_by")
    op.drop_column("plan_version", "published_by")
    op.drop_table("api_key")
