"""The FastAPI application factory."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.orm import sessionmaker

from api.errors import register_error_handlers
from api.routes import features, health, parcels, permits, tiles, viewer
from api.runtime import open_engine
from api.settings import Settings, get_settings


def create_app(settings: Settings) -> FastAPI:
    """Return the Mukhattat API for `settings`; the database engine opens with the app."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = open_engine(settings, require_reachable=False)
        app.state.engine = engine
        app.state.sessions = sessionmaker(engine)
        try:
            yield
        finally:
            engine.dispose()

    app = FastAPI(
        title="Mukhattat",
        summary="Zoning plans, permit checks and plan extracts",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    register_error_handlers(app)
    app.include_router(health.router)
    app.include_router(features.router)
    app.include_router(tiles.router)
    app.include_router(parcels.router)
    app.include_router(permits.router)
    app.include_router(viewer.router)
    viewer.mount_assets(app, settings.web_dir)
    return app


def app_from_env() -> FastAPI:
    """Return the app configured from the environment (the uvicorn factory)."""
    return create_app(get_settings())
