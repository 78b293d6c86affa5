"""Notify listeners when plan versions change.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

Every statement that inserts, updates or deletes plan versions sends a notification on
`mukhattat_plan_versions` when its transaction commits. API processes keep the versions shown
per date in memory (`plans.storage.version_watch`) and drop them on that signal, so a tile's
ETag is checked without a query and a published version is seen at once.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the trigger function and the statement-level trigger on plan_version."""
    op.execute(
        """
        CREATE FUNCTION notify_plan_versions() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('mukhattat_plan_versions', '');
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER plan_version_changed
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plan_version
        FOR EACH STATEMENT EXECUTE FUNCTION notify_plan_versions()
        """
    )


def downgrade() -> None:
    """Remove the trigger and its function."""
    op.execute("DROP TRIGGER plan_version_changed ON plan_version")
    op.execute("DROP FUNCTION notify_plan_versions()")
