"""Engines, database creation and the checks that a database is the one this deployment expects."""

import time
from functools import partial
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Dialect, Engine, create_engine, event, make_url, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from plans.errors import StorageCRSMismatchError, StorageUnavailableError

SHORT_QUERY_OPTIONS = (
    "-c jit=off -c max_parallel_workers_per_gather=0 -c plan_cache_mode=force_custom_plan"
)
"""Server settings of a connection that serves many short requests (tiles, features, checks).

JIT compiling and starting parallel workers cost more than these indexed reads take (17 ms of
JIT and 25-60 ms of worker start-up against 1-20 ms queries: bench/RESULTS.md); set once per
connection, they save the round trip a ``SET LOCAL`` per request would cost. Statements that
psycopg prepares (from their fifth run) are still planned for their actual parameters: the
generic plan PostgreSQL otherwise switches to cannot see the bounding box, and for a page of
1,000 parcels it walked the whole table (740 ms instead of 45, bench/http_tiles.py).
"""


IDLE_PING_S = 1.0
"""A pooled connection idle for longer than this is pinged before use."""


def make_engine(url: str, *, pool_size: int = 5, short_queries: bool = False) -> Engine:
    """Return an engine for `url` that checks idle connections before use (survives restarts).

    A connection back in use within `IDLE_PING_S` is not pinged: under load that saves a round
    trip per request, and a server restart in that second is still caught, by the failing query,
    which makes SQLAlchemy discard every pooled connection. With `short_queries`, connections
    run without JIT and parallel workers (`SHORT_QUERY_OPTIONS`): what a web service answering
    small indexed reads wants.
    """
    connect_args = {"options": SHORT_QUERY_OPTIONS} if short_queries else {}
    engine = create_engine(url, pool_size=pool_size, connect_args=connect_args)
    _ping_idle_connections(engine)
    return engine


GENERIC_PLAN_OPTIONS = SHORT_QUERY_OPTIONS.replace("force_custom_plan", "force_generic_plan")
"""`SHORT_QUERY_OPTIONS`, but statements psycopg prepares are planned once per connection.

For an engine that runs only prebuilt statements whose plan does not depend on their values
(key lookups, one geometry against a GiST index: the permit check's): planning their custom
plans each time cost PostgreSQL 0.5 of its 2.1 ms of CPU a check (bench/checks.py).
"""


def make_async_engine(
    url: str,
    *,
    pool_size: int = 5,
    short_queries: bool = False,
    autocommit: bool = False,
    generic_plans: bool = False,
) -> AsyncEngine:
    """Return an asyncio engine for `url`, its connections made and checked as `make_engine`'s.

    For work served on the event loop: a route then needs no worker thread, whose hand-over
    costs about 0.45 ms a request on this 2-core machine (bench/RESULTS.md, 2026-12-04). An
    `autocommit` engine is for reads and single-statement writes (a permit check's INSERT): its
    connections stay in autocommit (no BEGIN or COMMIT is sent, nor the isolation level set at
    each checkout; each statement commits as it runs) and are not rolled back when returned to
    the pool, as no transaction is ever open on them. With `generic_plans`, its connections use
    `GENERIC_PLAN_OPTIONS` instead of `SHORT_QUERY_OPTIONS`.
    """
    settings = GENERIC_PLAN_OPTIONS if generic_plans else SHORT_QUERY_OPTIONS
    connect_args = {"options": settings} if short_queries or generic_plans else {}
    options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT", "pool_reset_on_return": None}
    engine = create_async_engine(
        url, pool_size=pool_size, connect_args=connect_args, **(options if autocommit else {})
    )
    _ping_idle_connections(engine.sync_engine)
    return engine


def _ping_idle_connections(engine: Engine) -> None:
    event.listen(engine, "checkin", _mark_idle)
    event.listen(engine, "checkout", partial(_ping_if_idle, engine.dialect))


def _mark_idle(_dbapi_connection: object, record: ConnectionPoolEntry) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(
    dialect: Dialect,
    dbapi_connection: DBAPIConnection,
    record: ConnectionPoolEntry,
    _proxy: PoolProxiedConnection,
) -> None:
    idle_since = record.info.pop("idle_since", None)
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING_S:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as exc:
        # The pool discards this connection and checks out another (SQLAlchemy PoolEvents).
        raise DisconnectionError(f"pooled connection lost: {exc}") from exc


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
