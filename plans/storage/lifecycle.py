"""Bring a deployment's database up (the local cluster or a given server) and find its URL."""

from dataclasses import dataclass
from pathlib import Path

from plans.errors import StorageUnavailableError
from plans.storage import cluster as local
from plans.storage.database import create_database, database_url, make_engine
from plans.storage.migrate import upgrade

DATABASE_NAME = "mukhattat"


@dataclass(frozen=True)
class DatabaseUp:
    """The outcome of `bring_up`: where the database is and what was done to get it there."""

    url: str
    created_cluster: bool
    created_database: bool
    revision: str


def bring_up(
    *, data_dir: Path, srid: int, server_url: str | None = None, pg_bindir: Path | None = None
) -> DatabaseUp:
    """Start (creating on first use) the local cluster and database, then migrate.

    With `server_url` (an existing server) only the migrations run there.
    """
    if server_url is not None:
        engine = make_engine(server_url, pool_size=1)
        try:
            revision = upgrade(engine, srid=srid)
        finally:
            engine.dispose()
        return DatabaseUp(
            server_url, created_cluster=False, created_database=False, revision=revision
        )
    cluster = local.locate_cluster(data_dir, bindir=pg_bindir)
    created_cluster = local.initialise(cluster)
    port = local.start(cluster)
    admin = local.superuser_url(cluster, port, "postgres")
    created_database = create_database(admin, DATABASE_NAME)
    url = database_url(admin, DATABASE_NAME)
    engine = make_engine(url, pool_size=1)
    try:
        revision = upgrade(engine, srid=srid)
    finally:
        engine.dispose()
    return DatabaseUp(url, created_cluster, created_database, revision)


def resolve_url(
    *, data_dir: Path, server_url: str | None = None, pg_bindir: Path | None = None
) -> str:
    """Return the database URL: `server_url`, else the running local cluster's.

    Raises
    ------
    StorageUnavailableError
        The local cluster is not running.
    """
    if server_url is not None:
        return server_url
    cluster = local.locate_cluster(data_dir, bindir=pg_bindir)
    state = local.status(cluster)
    if not state.running or state.port is None:
        raise StorageUnavailableError(
            f"the local database in {data_dir} is not running: run `mukhattat db up` first"
        )
    return database_url(local.superuser_url(cluster, state.port, "postgres"), DATABASE_NAME)
