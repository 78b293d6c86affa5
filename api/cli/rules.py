"""`mukhattat rules load|list`: rule sets as versioned data."""

from pathlib import Path
from typing import Annotated

import typer

from api.cli.actor import cli_actor
from api.runtime import transaction
from api.settings import get_settings
from plans.rulesets import load_rules
from plans.storage.rule_sets import list_rule_sets

app = typer.Typer(help="Load and list zoning rule sets.", no_args_is_help=True)


@app.command("load")
def load(path: Annotated[Path, typer.Argument(help="Rule-set YAML file")]) -> None:
    """Validate a rule-set file and store it; several versions coexist."""
    settings = get_settings()
    with transaction(settings) as session:
        loaded = load_rules(session, path, created_by=cli_actor())
    state = "stored" if loaded.added else "already stored"
    typer.echo(
        f"{state}: rule set {loaded.identifier} version {loaded.version} of "
        f"{loaded.municipality}, zones {', '.join(loaded.zones)}"
    )


@app.command("list")
def list_() -> None:
    """List the stored rule sets with their effective dates."""
    settings = get_settings()
    with transaction(settings) as session:
        rows = list_rule_sets(session)
        lines = [
            f"{code:<10} {row.identifier:<32} {row.version:<10} "
            f"{row.effective_from}..{row.effective_to or 'open'}"
            for code, row in rows
        ]
    typer.echo(
        "\n".join(lines) if lines else "no rule sets yet: load one with `mukhattat rules load`"
    )
