"""Job queue: procrastinate's schema and the scan-import job records.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

The queue itself is procrastinate's (PostgreSQL-backed, `SELECT ... FOR UPDATE SKIP LOCKED`,
worker heartbeats); its schema is applied from the installed package's own `schema.sql`.
A later procrastinate release that changes its schema needs a new migration here that runs
that release's `sql/migrations/*.sql` files.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from procrastinate.schema import SchemaManager
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply procrastinate's schema; add the import_job table."""
    _execute_raw(SchemaManager.get_schema())
    op.create_table(
        "import_job",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="queued"),
        sa.Column("municipality", sa.String(32), nullable=False),
        sa.Column("plan_number", sa.String(64), nullable=False),
        sa.Column("inputs", JSONB, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text),
        sa.Column(
            "plan_version_id",
            sa.Integer,
            sa.ForeignKey("plan_version.id", ondelete="SET NULL"),
        ),
        sa.Column("queue_job_id", sa.BigInteger),
        sa.Column("created_by", sa.Text),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed')", name="import_job_status"
        ),
    )


def downgrade() -> None:
    """Drop the import_job table and procrastinate's tables, functions and types."""
    op.drop_table("import_job")
    _execute_raw(_DROP_PROCRASTINATE)


_DROP_PROCRASTINATE = r"""
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers,
    procrastinate_jobs, procrastinate_workers CASCADE;
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT oid::regprocedure AS f FROM pg_proc WHERE proname LIKE 'procrastinate\_%' LOOP
    EXECUTE 'DROP FUNCTION IF EXISTS ' || r.f || ' CASCADE';
  END LOOP;
  FOR r IN SELECT typname FROM pg_type
           WHERE typname LIKE 'procrastinate\_%' AND typtype IN ('c', 'e') LOOP
    EXECUTE 'DROP TYPE IF EXISTS ' || quote_ident(r.typname) || ' CASCADE';
  END LOOP;
END $$;
"""


def _execute_raw(sql: str) -> None:
    """Run SQL on the migration's own psycopg connection, with no placeholder parsing."""
    driver = op.get_bind().connection.driver_connection
    with driver.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute(sql)
