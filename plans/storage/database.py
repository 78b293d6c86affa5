"""Engines, database creation and the checks that a database is the one this deployment expects."""

import psycopg
from psycopg import sql
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from plans.errors import StorageCRSMismatchError, StorageUnavailableError


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """Return an engine for `url` that checks connections before use (survives server restarts)."""
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size)


def create_database(admin_url: str, name: str, *, template: str | None = None) -> bool:
    """Create database `name` on the server of `admin_url` unless it exists; return if created."""
    conninfo = (
        make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        conn.execute(statement)
    return True


def drop_database(admin_url: str, name: str) -> None:
    """Drop database `name` if it exists, closing its connections first."""
    conninfo = (
        make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def database_url(server_url: str, name: str) -> str:
    """Return `server_url` pointing at database `name` instead."""
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def describe_server(engine: Engine) -> dict[str, str]:
    """Return the server's PostgreSQL and PostGIS versions, or raise `StorageUnavailableError`."""
    try:
        with engine.connect() as conn:
            pg = conn.execute(text("SHOW server_version")).scalar_one()
            postgis = conn.execute(
                text("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
            ).scalar_one_or_none()
    except OperationalError as exc:
        raise StorageUnavailableError(f"database unreachable: {_reason(exc)}") from exc
    return {"postgresql": str(pg), "postgis": str(postgis) if postgis else "not installed"}


def check_storage_srid(engine: Engine, expected_srid: int) -> None:
    """Raise `StorageCRSMismatchError` if the zone geometries are stored in another SRID.

    An unmigrated database passes (there is nothing stored yet); an unreachable one raises
    `StorageUnavailableError`.
    """
    try:
        with engine.connect() as conn:
            if conn.execute(text("SELECT to_regclass('public.zone')")).scalar() is None:
                return
            stored = conn.execute(text("SELECT Find_SRID('public', 'zone', 'geom')")).scalar()
    except OperationalError as exc:
        raise StorageUnavailableError(f"database unreachable: {_reason(exc)}") from exc
    if stored is not None and stored != expected_srid:
        raise StorageCRSMismatchError(
            f"the database stores geometries in EPSG:{stored}, but MUKHATTAT_CRS is "
            f"EPSG:{expected_srid}; set MUKHATTAT_CRS=EPSG:{stored} or use another database"
        )


def _reason(exc: OperationalError) -> str:
    # The driver's message can quote the DSN; keep its first line, never the password.
    first = str(exc.orig).strip().splitlines()[0] if exc.orig else "connection failed"
    return first
