"""`mukhattat import ozfs` and `mukhattat check-all`: OZFS rules in, a whole town checked out."""

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from api.runtime import transaction
from api.settings import get_settings
from plans.ozfs.buildings import read_building
from plans.ozfs.check_all import check_all as check_town
from plans.ozfs.check_all import result_rows, write_rows
from plans.ozfs.importing import import_ozfs as import_ozfs_files
from plans.ozfs.stored import load_stored_town

MunicipalityOpt = Annotated[
    str | None, typer.Option(help="Municipality code [default: MUKHATTAT_MUNICIPALITY]")
]


def import_ozfs(
    path: Annotated[Path, typer.Argument(help="OZFS zoning file (GeoJSON)")],
    parcels: Annotated[
        Path | None, typer.Option(help="OZFS parcel file of labelled lot edges")
    ] = None,
    effective_from: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Date the rules take effect")
    ] = None,
    municipality: Annotated[
        str | None, typer.Option(help="Municipality code [default: from the file's muni_name]")
    ] = None,
) -> None:
    """Store an OZFS file's districts as zones and its rules as a rule set (and its parcels)."""
    settings = get_settings()
    with transaction(settings) as session:
        report = import_ozfs_files(
            session,
            path,
            parcels_path=parcels,
            effective_from=effective_from.date() if effective_from else None,
            storage_crs=settings.storage_crs,
            municipality=municipality,
        )
    typer.echo(
        f"imported {len(report.districts)} districts ({', '.join(report.districts)}) as draft "
        f"version {report.version} of plan {report.plan_number} ({report.municipality}), "
        f"rule set {report.rule_set_id}, {report.parcels} parcels"
    )
    if report.skipped:
        typer.echo(f"  skipped districts without geometry: {', '.join(report.skipped)}")


def check_all(
    building: Annotated[Path, typer.Option("--building", help="OZFS building file (.bldg)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="RESULTS.csv or .parquet")],
    municipality: MunicipalityOpt = None,
) -> None:
    """Check one building on every parcel of the municipality; write one row per parcel."""
    if output.suffix.lower() not in (".csv", ".parquet"):
        raise typer.BadParameter(
            f"must end in .csv or .parquet, got {output.name!r}", param_hint="-o"
        )
    settings = get_settings()
    proposal = read_building(building)
    with transaction(settings) as session:
        town = load_stored_town(session, municipality or settings.municipality)
    rows = result_rows(check_town(town, proposal))
    write_rows(rows, output)
    verdicts = {v: sum(r["verdict"] == v for r in rows) for v in ("eligible", "needs_review")}
    typer.echo(
        f"checked {len(rows)} parcels: {verdicts['eligible']} eligible, "
        f"{verdicts['needs_review']} need review, "
        f"{len(rows) - sum(verdicts.values())} not eligible -> {output}"
    )
