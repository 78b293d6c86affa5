"""The web viewer at `/` (for browsers) beside the OGC API landing page (for clients)."""

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from api.errors import error_response
from api.routes.features import landing_document

router = APIRouter()

# Front-end packages installed from the npm registry by `make` (npm ci --prefix web).
VENDOR = {
    "maplibre-gl": Path("node_modules/maplibre-gl/dist"),
    "rtl-text": Path("node_modules/@mapbox/mapbox-gl-rtl-text/dist"),
}
MISSING_ASSETS = "the viewer's assets are not installed: run `npm ci --prefix web` (or `make demo`)"
ROOT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The viewer (HTML) or the OGC API landing page (JSON)",
        "content": {"application/json": {}, "text/html": {}},
    }
}


@router.get(
    "/",
    summary="Landing page (JSON) or the web viewer (HTML)",
    response_model=None,
    responses=ROOT_RESPONSES,
)
def read_root(
    request: Request, f: Annotated[str | None, Query(pattern="^(json|html)$")] = None
) -> Response | dict[str, Any]:
    """Serve the viewer to browsers and the OGC API landing page to everyone else (or `?f=`)."""
    if not _wants_html(request, f):
        return landing_document(request)
    web_dir: Path = request.app.state.settings.web_dir
    if not vendor_installed(web_dir):
        return error_response(503, "viewer_not_installed", MISSING_ASSETS)
    return FileResponse(web_dir / "index.html", media_type="text/html")


def mount_assets(app: FastAPI, web_dir: Path) -> None:
    """Serve the viewer's own files under /static and its npm packages under /static/vendor."""
    for name, folder in VENDOR.items():
        if (web_dir / folder).is_dir():
            app.mount(f"/static/vendor/{name}", StaticFiles(directory=web_dir / folder), name=name)
    app.mount("/static", StaticFiles(directory=web_dir / "static"), name="static")


def vendor_installed(web_dir: Path) -> bool:
    """Return whether the npm packages the viewer needs are installed."""
    return all((web_dir / folder).is_dir() for folder in VENDOR.values())


def _wants_html(request: Request, f: str | None) -> bool:
    if f is not None:
        return f == "html"
    accept = request.headers.get("accept", "")
    return "text/html" in accept
