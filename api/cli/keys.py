"""`mukhattat keys create|list|revoke`: API keys with a role, scoped to a municipality."""

import datetime as dt
from typing import Annotated

import typer

from api.cli.actor import cli_actor
from api.runtime import transaction
from api.settings import get_settings
from plans.access import KEY_ROLES, create_api_key
from plans.storage.api_keys import list_keys, revoke_key

app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)


@app.command("create")
def create(
    role: Annotated[str, typer.Option(help=f"One of {', '.join(KEY_ROLES)}")],
    municipality: Annotated[
        str | None, typer.Option(help="Municipality code (omit: national admin)")
    ] = None,
    label: Annotated[str, typer.Option(help="Who or what the key is for")] = "",
) -> None:
    """Create a key and print it once; only its hash is stored."""
    if role not in KEY_ROLES:
        raise typer.BadParameter(f"must be one of {', '.join(KEY_ROLES)}", param_hint="--role")
    settings = get_settings()

    with transaction(settings) as session:
        key = create_api_key(
            session,
            role=role,
            municipality=municipality,
            label=label or f"{role} key",
            created_by=cli_actor(),
        )
    typer.echo(key)
    typer.echo("store it now: it is not shown again (send it as the X-API-Key header)", err=True)


@app.command("list")
def list_() -> None:
    """List keys (prefix, role, municipality, state); secrets are never shown."""
    settings = get_settings()
    with transaction(settings) as session:
        lines = [
            f"{key.prefix}  {key.role:<8} {code or '(all)':<10} "
            f"{'revoked' if key.revoked_at else 'active':<8} {key.label}"
            for key, code in list_keys(session)
        ]
    typer.echo("\n".join(lines) if lines else "no keys")


@app.command("revoke")
def revoke(
    prefix: Annotated[str, typer.Argument(help="The key's prefix (as `keys list` shows)")],
) -> None:
    """Revoke a key; servers stop accepting it within a minute."""
    settings = get_settings()
    with transaction(settings) as session:
        revoke_key(session, prefix, now=dt.datetime.now(dt.UTC))
    typer.echo(f"revoked {prefix}")
