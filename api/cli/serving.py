"""`mukhattat serve` and `mukhattat demo`."""

from typing import Annotated

import typer
import uvicorn

from api.runtime import transaction
from api.settings import get_settings
from plans.demo import load_sample, load_sample_scan
from plans.storage.lifecycle import bring_up

HostOpt = Annotated[str | None, typer.Option(help="Address to listen on [default: MUKHATTAT_HOST]")]
PortOpt = Annotated[int | None, typer.Option(help="Port to listen on [default: MUKHATTAT_PORT]")]


def serve(host: HostOpt = None, port: PortOpt = None) -> None:
    """Serve the HTTP API (and, later, the viewer)."""
    settings = get_settings()
    bind_host, bind_port = host or settings.host, port or settings.port
    typer.echo(f"Mukhattat API on http://{bind_host}:{bind_port}/  (docs: /docs, health: /health)")
    uvicorn.run(
        "api.app:app_from_env",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=settings.workers,
        log_level="info",
    )


def demo(
    host: HostOpt = None,
    port: PortOpt = None,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Load the sample, do not serve")
    ] = False,
) -> None:
    """Bring the database up, load the sample town (once), and serve the API."""
    settings = get_settings()
    done = bring_up(
        data_dir=settings.data_dir,
        srid=settings.storage_srid,
        server_url=settings.server_url,
        pg_bindir=settings.pg_bindir,
    )
    typer.echo(f"database ready (migration {done.revision})")
    with transaction(settings) as session:
        loaded = load_sample(
            session, settings.data_dir / "sample", storage_crs=settings.storage_crs
        )
    if loaded.loaded:
        typer.echo(
            f"sample town loaded: {loaded.zones} zones (published), {loaded.parcels} parcels"
        )
    else:
        typer.echo("sample town already loaded")
    with transaction(settings) as session:
        scanned = load_sample_scan(
            session,
            settings.data_dir / "sample" / "scan",
            storage_crs=settings.storage_crs,
            scans_dir=settings.data_dir / "scans",
        )
    if scanned is not None:
        typer.echo(
            f"sample scan digitised: plan {scanned.plan_number} draft v{scanned.version}, "
            f"{scanned.zones} zones (review it in the viewer's plan list)"
        )
    if no_serve:
        return
    base = f"http://{host or settings.host}:{port or settings.port}"
    typer.echo(f"viewer: {base}/   API: {base}/docs   features: {base}/collections")
    serve(host=host, port=port)
