"""`mukhattat db up|down|status|migrate`: the deployment's database."""

import typer

from api.settings import get_settings
from plans.storage import cluster as local
from plans.storage.database import make_engine
from plans.storage.lifecycle import bring_up, resolve_url
from plans.storage.migrate import current_revision, head_revision, upgrade

app = typer.Typer(help="Start, stop, inspect and migrate the database.", no_args_is_help=True)


@app.command("up")
def up() -> None:
    """Start the local PostGIS cluster (creating it on first use) and migrate it.

    With MUKHATTAT_DATABASE_URL set, only migrate that database.
    """
    settings = get_settings()
    done = bring_up(
        data_dir=settings.data_dir,
        srid=settings.storage_srid,
        server_url=settings.server_url,
        pg_bindir=settings.pg_bindir,
    )
    where = "configured server" if settings.server_url else f"local cluster in {settings.data_dir}"
    created = " (created)" if done.created_cluster else ""
    typer.echo(f"database up: {where}{created}, migrated to {done.revision}, CRS {settings.crs}")


@app.command("down")
def down() -> None:
    """Stop the local cluster (data are kept)."""
    settings = get_settings()
    if settings.server_url:
        typer.echo("MUKHATTAT_DATABASE_URL is set: that server is not ours to stop")
        return
    stopped = local.stop(local.locate_cluster(settings.data_dir, bindir=settings.pg_bindir))
    typer.echo("database stopped" if stopped else "database was not running")


@app.command("status")
def status() -> None:
    """Say where the database is, whether it runs and which migration it is at."""
    settings = get_settings()
    if not settings.server_url:
        cluster = local.locate_cluster(settings.data_dir, bindir=settings.pg_bindir)
        state = local.status(cluster)
        typer.echo(f"local cluster: {cluster.pgdata}")
        typer.echo(
            f"initialised: {state.initialised}, running: {state.running}, port: {state.port}"
        )
        if not state.running:
            raise typer.Exit(code=3)
    url = resolve_url(
        data_dir=settings.data_dir, server_url=settings.server_url, pg_bindir=settings.pg_bindir
    )
    engine = make_engine(url, pool_size=1)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    typer.echo(f"migration: {revision} (newest {head_revision()}), CRS {settings.crs}")


@app.command("migrate")
def migrate() -> None:
    """Apply the migrations the database lacks."""
    settings = get_settings()
    url = resolve_url(
        data_dir=settings.data_dir, server_url=settings.server_url, pg_bindir=settings.pg_bindir
    )
    engine = make_engine(url, pool_size=1)
    try:
        revision = upgrade(engine, srid=settings.storage_srid)
    finally:
        engine.dispose()
    typer.echo(f"migrated to {revision}")
