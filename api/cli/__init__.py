"""The `mukhattat` command line: one Typer app with a sub-app per resource."""

import sys
from collections.abc import Sequence

import typer
from pydantic import ValidationError

from api.cli import (
    check,
    db,
    extracts,
    imports,
    keys,
    legend,
    ozfs,
    plans,
    rules,
    scans,
    serving,
    worker,
)
from gis.errors import GisError
from plans.errors import PlanError

app = typer.Typer(
    name="mukhattat",
    help="Digitise zoning plans, check building permits, print plan extracts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(imports.app, name="import")
app.add_typer(plans.app, name="plans")
app.add_typer(rules.app, name="rules")
app.add_typer(keys.app, name="keys")
app.add_typer(legend.app, name="legend")
app.command("check")(check.check)
app.command("extract")(extracts.extract)
app.command("extract-batch")(extracts.extract_batch)
app.command("vectorise")(scans.vectorise)
imports.app.command("scan")(scans.import_scan_command)
imports.app.command("ozfs")(ozfs.import_ozfs)
app.command("check-all")(ozfs.check_all)
app.command("worker")(worker.worker)
app.command("serve")(serving.serve)
app.command("demo")(serving.demo)


def run(argv: Sequence[str]) -> int:
    """Run the command line on `argv`; return the exit status (2 usage, 1 runtime error)."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=list(argv), prog_name="mukhattat", standalone_mode=False)
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except typer.TyperException as exc:  # usage errors: bad option, missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            typer.echo(f"error: {exc}", err=True)
        return int(getattr(exc, "exit_code", 2))
    except ValidationError as exc:  # the settings read from MUKHATTAT_* variables
        typer.echo(f"error: invalid setting: {_settings_problem(exc)}", err=True)
        return 1
    except (PlanError, GisError) as exc:
        typer.echo(f"error: {exc}", err=True)
        return 1
    return result if isinstance(result, int) else 0


def _settings_problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    name = "MUKHATTAT_" + "_".join(str(p) for p in first["loc"]).upper()
    return f"{name}: {first['msg'].removeprefix('Value error, ')}"


def main() -> None:
    """Entry point of the `mukhattat` console script."""
    sys.exit(run(sys.argv[1:]))
