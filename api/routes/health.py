"""Liveness and database health."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from plans.errors import StorageUnavailableError
from plans.storage.database import describe_server
from plans.storage.migrate import current_revision, head_revision

router = APIRouter(tags=["health"])


@router.get("/health", summary="Service and database health")
def read_health(request: Request) -> JSONResponse:
    """Answer 200 when the database is reachable and migrated, else 503 saying what is wrong."""
    engine = request.app.state.engine
    try:
        server = describe_server(engine)
        revision = current_revision(engine)
    except StorageUnavailableError as exc:
        return JSONResponse(
            status_code=503,
            content={"status": "unavailable", "database": {"reachable": False, "detail": str(exc)}},
        )
    head = head_revision()
    database: dict[str, Any] = {"reachable": True, **server, "revision": revision, "head": head}
    healthy = revision == head and server["postgis"] != "not installed"
    return JSONResponse(
        status_code=200 if healthy else 503,
        content={"status": "ok" if healthy else "degraded", "database": database},
    )
