"""Liveness (`/health`) and readiness (`/ready`: database reachable and migrated)."""

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from plans.errors import StorageUnavailableError
from plans.storage.database import describe_server
from plans.storage.migrate import current_revision, head_revision

router = APIRouter(tags=["health"])
logger = logging.getLogger("mukhattat.health")


@router.get("/health", summary="Liveness, with a report on the database")
def read_health(request: Request) -> dict[str, Any]:
    """Answer 200 while the process serves; the body says how the database is doing."""
    return {"status": "ok", "database": _database_report(request)}


@router.get("/ready", summary="Readiness: database reachable and migrated")
def read_ready(request: Request) -> JSONResponse:
    """Answer 200 when the database is reachable and at the newest migration, else 503."""
    database = _database_report(request)
    ready = database["reachable"] and database.get("revision") == database.get("head")
    ready = ready and database.get("postgis") != "not installed"
    return JSONResponse(
        status_code=200 if ready else 503,
        content={"status": "ready" if ready else "unavailable", "database": database},
    )


def _database_report(request: Request) -> dict[str, Any]:
    engine = request.app.state.engine
    try:
        server = describe_server(engine)
        revision = current_revision(engine)
    except (StorageUnavailableError, OperationalError) as exc:
        # The driver's message names hosts and users: log it, answer without it.
        logger.warning("database unreachable: %s", exc)
        return {"reachable": False, "detail": "database unreachable"}
    return {"reachable": True, **server, "revision": revision, "head": head_revision()}
