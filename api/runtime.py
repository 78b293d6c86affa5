"""Open the deployment's database from its settings: engine, sessions, one transaction per use."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session, sessionmaker

from api.settings import Settings
from plans.errors import StorageUnavailableError
from plans.storage.database import check_storage_srid, make_async_engine, make_engine
from plans.storage.lifecycle import resolve_url

logger = logging.getLogger("mukhattat")


def open_engine(settings: Settings, *, require_reachable: bool = True) -> Engine:
    """Return an engine on the configured database, after checking its storage SRID.

    A server that is down raises `StorageUnavailableError`, unless `require_reachable` is
    false: a service then starts anyway, answers 503 and recovers when the database is back.
    """
    url = resolve_url(
        data_dir=settings.data_dir, server_url=settings.server_url, pg_bindir=settings.pg_bindir
    )
    engine = make_engine(url, short_queries=True)
    try:
        check_storage_srid(engine, settings.storage_srid)
    except StorageUnavailableError:
        if require_reachable:
            engine.dispose()
            raise
        logger.warning("database unreachable at start-up; serving 503 until it is back")
    return engine


def open_async_engine(
    engine: Engine, *, pool_size: int, autocommit: bool = False, generic_plans: bool = False
) -> AsyncEngine:
    """Return an asyncio engine on `engine`'s database, for the routes served on the event loop.

    An `autocommit` one sends no BEGIN/COMMIT (reads, single-statement writes); one with
    `generic_plans` only for prebuilt statements that one plan suits (`make_async_engine`).
    """
    url = engine.url.render_as_string(hide_password=False)
    return make_async_engine(
        url,
        pool_size=pool_size,
        short_queries=True,
        autocommit=autocommit,
        generic_plans=generic_plans,
    )


@contextmanager
def transaction(settings: Settings) -> Iterator[Session]:
    """Yield a session whose work is committed at the end, or rolled back on any error."""
    engine = open_engine(settings)
    try:
        with sessionmaker(engine)() as session, session.begin():
            yield session
    finally:
        engine.dispose()
