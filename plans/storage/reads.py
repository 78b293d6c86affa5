"""Reads served on the event loop: storage functions and prebuilt statements, no worker thread.

Routes await these instead of running storage code in a thread, whose hand-over costs about
0.45 ms a request on this 2-core machine (bench/RESULTS.md, 2026-12-04).
"""

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

import psycopg
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from plans.storage.prebuilt import Prebuilt

T = TypeVar("T")


class Reads(Protocol):
    """Where routes read: the app's autocommit asyncio engine, or a test's session."""

    async def run_sync(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Return `function(session, *args, **kwargs)` run in a session of its own."""

    async def scalar(self, statement: Prebuilt, params: Mapping[str, Any]) -> Any:
        """Run `statement` with `params`; return the first column of its first row (or None)."""


class EngineReads:
    """Reads on an autocommit asyncio engine (no BEGIN, COMMIT or SET reaches the server).

    Prebuilt statements go straight to psycopg's asyncio connection of a pooled connection
    (pinged only if idle, as `database.make_engine`'s): about 0.35 ms a query less than
    SQLAlchemy's `exec_driver_sql` on an asyncio connection, and 1.5 ms less than
    `AsyncSession.run_sync` with a freshly built statement (bench/RESULTS.md, 2026-12-04). A
    lost connection is invalidated (the pool then discards the others) and reported as
    SQLAlchemy's `OperationalError`, like every other storage error.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def run_sync(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Return `function(session, *args, **kwargs)` run in a session of its own."""
        async with AsyncSession(self.engine) as session:
            return await session.run_sync(function, *args, **kwargs)

    async def scalar(self, statement: Prebuilt, params: Mapping[str, Any]) -> Any:
        """Run `statement` with `params`; return the first column of its first row (or None)."""
        bound = statement.bind(params)
        async with self.engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            assert driver is not None  # a checked-out connection always has one
            try:
                cursor = await driver.execute(statement.sql, bound)
                row = await cursor.fetchone()
            except psycopg.OperationalError as exc:
                await connection.invalidate(exc)
                raise OperationalError(statement.sql, bound, exc) from exc
        return row[0] if row else None
