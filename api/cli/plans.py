"""`mukhattat plans list|publish`: plan versions."""

import datetime as dt
from typing import Annotated

import typer

from api.cli.actor import cli_actor
from api.runtime import transaction
from api.settings import get_settings
from plans.publishing import publish_version
from plans.storage.plan_versions import list_versions

app = typer.Typer(help="List and publish plan versions.", no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """List every plan version with its status and dates."""
    settings = get_settings()
    with transaction(settings) as session:
        versions = list_versions(session)
    if not versions:
        typer.echo("no plans yet: import one with `mukhattat import zones`")
        return
    for v in versions:
        until = v.effective_to.isoformat() if v.effective_to else "open"
        typer.echo(
            f"{v.municipality:<10} {v.plan_number:<12} v{v.version:<3} {v.status:<10} "
            f"{v.effective_from.isoformat()}..{until:<10} {v.zones:>6} zones  {v.source_name or ''}"
        )


@app.command("publish")
def publish(
    number: Annotated[str, typer.Argument(help="Plan number")],
    version: Annotated[int, typer.Option(help="Version to bring into force")],
    effective_from: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Date it takes effect")
    ] = None,
    municipality: Annotated[str | None, typer.Option(help="Municipality code")] = None,
) -> None:
    """Bring a draft version into force; the version it replaces is superseded."""
    settings = get_settings()
    with transaction(settings) as session:
        result = publish_version(
            session,
            municipality=municipality or settings.municipality,
            plan_number=number,
            version=version,
            effective_from=effective_from.date() if effective_from else None,
            published_by=cli_actor(),
        )
    if not result.changed:
        typer.echo(f"plan {number} version {version} is already in force")
        return
    replaced = (
        f", superseding version {result.superseded_version}" if result.superseded_version else ""
    )
    typer.echo(f"plan {number} version {version} in force from {result.effective_from}{replaced}")
