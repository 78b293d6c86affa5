"""`mukhattat import zones|parcels`: existing vector data into storage, one transaction each."""

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from api.cli.actor import cli_actor
from api.runtime import transaction
from api.settings import get_settings
from gis.types import InvalidPolicy
from plans.imports.parcels import ParcelImportRequest, import_parcels
from plans.imports.zones import ZoneImportRequest, import_zones
from plans.records import ZoneImportReport

app = typer.Typer(
    help="Import zones or parcels from GeoPackage, Shapefile, GeoJSON or DXF.", no_args_is_help=True
)

FileArg = Annotated[
    Path, typer.Argument(help="Vector file (GeoPackage, Shapefile, GeoJSON, DXF...)")
]
LayerOpt = Annotated[str | None, typer.Option(help="Layer to read when the file has several")]
CrsOpt = Annotated[str | None, typer.Option(help="CRS of a file that has none, e.g. EPSG:32637")]
MunicipalityOpt = Annotated[
    str | None, typer.Option(help="Municipality code [default: MUKHATTAT_MUNICIPALITY]")
]
InvalidOpt = Annotated[
    str, typer.Option("--on-invalid", help="repair or reject invalid geometries")
]


@app.command("zones")
def zones(
    path: FileArg,
    plan: Annotated[str, typer.Option(help="Plan number the zones belong to")],
    code_column: Annotated[str, typer.Option(help="Column holding the zone code")] = "zone_code",
    layer: LayerOpt = None,
    crs: CrsOpt = None,
    effective_from: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Date the version takes effect")
    ] = None,
    municipality: MunicipalityOpt = None,
    on_invalid: InvalidOpt = "repair",
) -> None:
    """Store a file's zones as the plan's next draft version."""
    settings = get_settings()
    request = ZoneImportRequest(
        path=path,
        municipality=municipality or settings.municipality,
        plan_number=plan,
        code_column=code_column,
        layer=layer,
        crs=crs,
        effective_from=effective_from.date() if effective_from else None,
        on_invalid=_policy(on_invalid),
        created_by=cli_actor(),
    )
    with transaction(settings) as session:
        report = import_zones(session, request, storage_crs=settings.storage_crs)
    _print_zone_report(report)


@app.command("parcels")
def parcels(
    path: FileArg,
    number_column: Annotated[str, typer.Option(help="Column holding the parcel number")] = "number",
    layer: LayerOpt = None,
    crs: CrsOpt = None,
    municipality: MunicipalityOpt = None,
    on_invalid: InvalidOpt = "repair",
) -> None:
    """Store a file's parcels; numbers must be new to the municipality."""
    settings = get_settings()
    request = ParcelImportRequest(
        path=path,
        municipality=municipality or settings.municipality,
        number_column=number_column,
        layer=layer,
        crs=crs,
        on_invalid=_policy(on_invalid),
    )
    with transaction(settings) as session:
        report = import_parcels(session, request, storage_crs=settings.storage_crs)
    repaired = f", {len(report.repaired)} repaired" if report.repaired else ""
    area = f"{report.area_m2:,.0f} m²"
    typer.echo(f"imported {report.parcels} parcels into {report.municipality} ({area}{repaired})")


def _policy(value: str) -> InvalidPolicy:
    if value == "repair":
        return "repair"
    if value == "reject":
        return "reject"
    raise typer.BadParameter(f"must be repair or reject, got {value!r}", param_hint="--on-invalid")


def _print_zone_report(report: ZoneImportReport) -> None:
    typer.echo(
        f"imported {report.features} zones as draft version {report.version} of plan "
        f"{report.plan_number} ({report.municipality}), {report.area_m2:,.0f} m²"
    )
    for summary in report.zone_codes:
        typer.echo(
            f"  {summary.zone_code:<12} {summary.features:>5} features {summary.area_m2:>14,.0f} m²"
        )
    if report.repaired:
        listed = ", ".join(report.repaired[:10])
        typer.echo(f"  repaired invalid geometry of {len(report.repaired)} feature(s): {listed}")
    typer.echo(
        f"publish with: mukhattat plans publish {report.plan_number} --version {report.version}"
    )
