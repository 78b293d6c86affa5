"""`mukhattat check`: may this building be built on this parcel."""

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from shapely.geometry import mapping

from api.runtime import transaction
from api.settings import get_settings
from gis.crs import reproject
from gis.geojson import read_polygon
from plans.ozfs.buildings import read_building
from plans.ozfs.stored import check_stored_parcel
from plans.permits import PermitRequest, check_permit

GeoJSONOpt = Annotated[
    Path | None, typer.Option(help="GeoJSON file (lon/lat unless it names a crs)")
]


def check(
    use: Annotated[str | None, typer.Option(help="Proposed use, e.g. residential")] = None,
    building: Annotated[
        Path | None, typer.Option(help="OZFS building proposal (.bldg): checked by the OZFS rules")
    ] = None,
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
    if building is not None:
        _check_ozfs(building, parcel, municipality or settings.municipality, as_json=as_json)
        return
    if use is None:
        raise typer.BadParameter(
            "give the proposed use (or an OZFS --building)", param_hint="--use"
        )
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


def _check_ozfs(building: Path, parcel: str | None, municipality: str, *, as_json: bool) -> None:
    if parcel is None:
        raise typer.BadParameter("an OZFS building is checked on a --parcel", param_hint="--parcel")
    proposal = read_building(building)
    settings = get_settings()
    with transaction(settings) as session:
        answer = check_stored_parcel(session, municipality, parcel, proposal)
    crs = settings.storage_crs  # geometries are answered in lon/lat, as in the permit check
    lonlat = dataclasses.replace(
        answer.result, envelope=reproject(answer.result.envelope, crs, 4326)
    )
    document = lonlat.to_json() | {"parcel": parcel, "district": answer.district}
    if answer.placement is not None:
        document["placement"] = mapping(reproject(answer.placement.footprint, crs, 4326))
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))
        return
    typer.echo(f"verdict: {document['verdict']}   parcel {parcel} in district {answer.district}")
    for rule in document["rules"]:
        typer.echo(f"  {rule['status']:<14} {rule['rule']:<18} {rule['explanation']['en']}")


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
