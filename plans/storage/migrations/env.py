"""Alembic environment: runs on the connection and SRID handed over by `plans.storage.migrate`.

From the shell (for `alembic revision --autogenerate`), pass them with
``alembic -x url=postgresql+psycopg://... -x srid=32637 ...``.
"""

from alembic import context
from sqlalchemy import Connection, create_engine

from plans.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _include_object(
    _obj: object, name: str | None, type_: str, _reflected: bool, _compare_to: object
) -> bool:
    # PostGIS's own tables and the tiger/topology schemas are not ours to manage.
    return not (type_ == "table" and name in {"spatial_ref_sys"})


def run_migrations_online() -> None:
    """Run migrations on the handed-over connection, or on `-x url=` from the command line."""
    connection = config.attributes.get("connection")
    if connection is None:
        args = context.get_x_argument(as_dictionary=True)
        config.attributes["storage_srid"] = int(args.get("srid", "32637"))
        engine = create_engine(args["url"])
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
