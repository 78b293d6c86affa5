"""`mukhattat check`: may this building be built on this parcel."""

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from api.runtime import transaction
from api.settings import get_settings
from gis.geojson import read_polygon
from plans.permits import PermitRequest, check_permit

GeoJSONOpt = Annotated[
    Path | None, typer.Option(help="GeoJSON file (lon/lat unless it names a crs)")
]


def check(
    use: Annotated[str, typer.Option(help="Proposed use, e.g. residential")],
    parcel: Annotated[str | None, typer.Option(help="Parcel number")] = None,
    parcel_geojson: GeoJSONOpt = None,
    footprint_geojson: GeoJSONOpt = None,
    floors: Annotated[int | None, typer.Option(min=0, help="Number of floors")] = None,
    height: Annotated[float | None, typer.Option(min=0, help="Building height in metres")] = None,
    gfa: Annotated[float | None, typer.Option(min=0, help="Gross floor area in m²")] = None,
    date: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Application date [default: today]"),
    ] = None,
    municipality: Annotated[str | None, typer.Option(help="Municipality code")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer")] = False,
) -> None:
    """Check a proposed building rule by rule against the zoning in force."""
    settings = get_settings()
    request = PermitRequest(
        municipality=municipality or settings.municipality,
        use=use,
        parcel_number=parcel,
        parcel_geometry=_polygon(parcel_geojson, "--parcel-geojson", settings.storage_crs),
        footprint=_polygon(footprint_geojson, "--footprint-geojson", settings.storage_crs),
        floors=floors,
        height_m=height,
        gfa_m2=gfa,
        date=date.date() if date else None,
    )
    with transaction(settings) as session:
        answer = check_permit(session, request, storage_crs=settings.storage_crs)
    typer.echo(json.dumps(answer, ensure_ascii=False, indent=2) if as_json else _report(answer))


def _polygon(path: Path | None, option: str, storage_crs: Any) -> Any:
    if path is None:
        return None
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(
            f"{path}: not a readable JSON file ({exc})", param_hint=option
        ) from exc
    return read_polygon(document, to_crs=storage_crs, what=str(path))


def _report(answer: dict[str, Any]) -> str:
    lines = [f"verdict: {answer['verdict']}   reference: {answer['reference']}"]
    zones = ", ".join(f"{z['zone_code']} {z['share']:.0%}" for z in answer["zones"])
    lines.append(
        f"zones: {zones}   rule set: {answer['rule_set']['identifier']} "
        f"{answer['rule_set']['version']}"
    )
    for rule in answer["rules"]:
        measured = "-" if rule["measured"] is None else rule["measured"]
        limit = "-" if rule["limit"] is None else rule["limit"]
        lines.append(
            f"  {rule['status']:<14} {rule['rule']:<22} {measured} / {limit} {rule['unit'] or ''}"
        )
        lines.append(f"      {rule['explanation']['en']}")
        lines.append(f"      {rule['explanation']['ar']}")
    return "\n".join(lines)
