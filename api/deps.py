"""Dependencies shared by the routes: settings and a database session per request."""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from api.settings import Settings
from plans.storage.reads import Reads
from plans.storage.version_watch import VersionCache


async def get_app_settings(request: Request) -> Settings:
    """Return the settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session in one transaction, committed when the route returns.

    Used with ``scope="function"``: the commit happens before the response is sent, so a
    failing commit (the database went away) answers 503 instead of a 200 for a lost write.
    """
    with request.app.state.sessions() as session, session.begin():
        yield session


async def get_async_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Yield an asyncio session for permit checks, whose one write is done before the answer.

    Served on the event loop (`AsyncSession.run_sync`): no worker thread is taken. Its engine
    is in autocommit: a check's single INSERT commits as it runs, before the response is
    sent, and a failing one answers 503 as with `get_session`. Permit checks open it through
    `check_session`; tests override it with their session.
    """
    async with request.app.state.async_sessions() as session, session.begin():
        yield session


async def get_reads(request: Request) -> Reads:
    """Return where read-only routes read: on the event loop, from autocommit connections.

    Routes run storage functions with ``await reads.run_sync(function, ...)`` and prebuilt
    statements (tiles) with ``await reads.scalar(statement, params)``: the queries wait on the
    event loop, not in a worker thread, and no BEGIN, COMMIT or SET reaches the server.
    """
    reads: Reads = request.app.state.reads
    return reads


async def get_version_cache(request: Request) -> VersionCache:
    """Return the process's cache of the plan versions shown (kept fresh by notifications)."""
    cache: VersionCache = request.app.state.versions
    return cache


def tile_sources(request: Request) -> tuple[Reads, VersionCache]:
    """Return what `get_reads` and `get_version_cache` give, without FastAPI solving them.

    For the tile route only: declared dependencies cost it about 0.3 ms a request, a third of
    a z17 tile's query (bench/RESULTS.md, 2026-12-04). Overrides of those two dependencies
    (the tests' sessions) are honoured as FastAPI would honour them.
    """
    overrides, state = request.app.dependency_overrides, request.app.state
    reads = overrides[get_reads]() if get_reads in overrides else state.reads
    cache = overrides[get_version_cache]() if get_version_cache in overrides else state.versions
    return reads, cache


@asynccontextmanager
async def check_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Yield what `get_async_session` yields, without FastAPI solving it.

    For the permit-check route only: a declared session and settings cost it about 0.3 ms a
    request (bench/checks.py). An override of `get_async_session` (the tests' session) is
    honoured as FastAPI would honour it.
    """
    override = request.app.dependency_overrides.get(get_async_session)
    if override is not None:
        yield override()
        return
    async with _open_async_session(request) as session:
        yield session


_open_async_session = asynccontextmanager(get_async_session)


MAX_ID = 2_147_483_647  # PostgreSQL integer keys; larger ids cannot exist

SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadsDep = Annotated[Reads, Depends(get_reads)]
VersionCacheDep = Annotated[VersionCache, Depends(get_version_cache)]
