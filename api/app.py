"""The FastAPI application factory."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import sessionmaker

from api.errors import ERROR_RESPONSES, register_error_handlers
from api.logs import configure_logging
from api.middleware import BodyLimitMiddleware, RequestIdMiddleware
from api.routes import (
    extracts,
    features,
    health,
    parcels,
    permits,
    plans,
    rule_sets,
    scans,
    tiles,
    viewer,
)
from api.runtime import open_async_engine, open_engine
from api.settings import Settings, get_settings
from plans.storage.reads import EngineReads
from plans.storage.version_watch import VersionCache, watch_versions

UPLOAD_PATH_ENDINGS = ("/versions", "/parcels", "/verify", "/scans")


def create_app(settings: Settings) -> FastAPI:
    """Return the Mukhattat API for `settings`; the database engine opens with the app."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = open_engine(settings, require_reachable=False)
        pool_size = settings.async_pool_size
        # Only permit checks use it: prebuilt lookups, planned once, and one INSERT, which
        # commits as it runs (no BEGIN/COMMIT round trips; the reads see what READ COMMITTED
        # would show them inside a transaction: each its own snapshot).
        served = open_async_engine(engine, pool_size=pool_size, autocommit=True, generic_plans=True)
        reading = open_async_engine(engine, pool_size=pool_size, autocommit=True)
        app.state.engine = engine
        app.state.sessions = sessionmaker(engine)
        app.state.async_sessions = async_sessionmaker(served)
        app.state.reads = EngineReads(reading)
        app.state.versions = VersionCache()
        url = engine.url.render_as_string(hide_password=False)
        watcher = asyncio.create_task(watch_versions(url, app.state.versions))
        try:
            yield
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            await served.dispose()
            await reading.dispose()
            engine.dispose()

    app = FastAPI(
        title="Mukhattat",
        summary="Zoning plans, permit checks and plan extracts",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    register_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, limit_for=_body_limits(settings))
    app.add_middleware(RequestIdMiddleware)
    app.include_router(tiles.router, responses=ERROR_RESPONSES)  # first: matched most often
    app.include_router(health.router, responses=ERROR_RESPONSES)
    app.include_router(features.router, responses=ERROR_RESPONSES)
    app.include_router(parcels.router, responses=ERROR_RESPONSES)
    app.include_router(permits.router, responses=ERROR_RESPONSES)
    app.include_router(extracts.router, responses=ERROR_RESPONSES)
    app.include_router(plans.router, responses=ERROR_RESPONSES)
    app.include_router(rule_sets.router, responses=ERROR_RESPONSES)
    app.include_router(scans.router, responses=ERROR_RESPONSES)
    app.include_router(viewer.router, responses=ERROR_RESPONSES)
    viewer.mount_assets(app, settings.web_dir)
    return app


def app_from_env() -> FastAPI:
    """Return the app configured from the environment (the uvicorn factory), logging JSON."""
    configure_logging()
    return create_app(get_settings())


def _body_limits(settings: Settings) -> Callable[[str], int]:
    """Return the body limit per path: uploads may be large, other bodies are kept small."""
    upload, other = settings.max_upload_mb * 1024 * 1024, settings.max_body_kb * 1024

    def limit_for(path: str) -> int:
        return upload if path.endswith(UPLOAD_PATH_ENDINGS) else other

    return limit_for
