"""`mukhattat extract`: print a parcel's (or an area's) zoning plan extract to a PDF or PNG file."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from api.cli.actor import cli_actor
from api.runtime import transaction
from api.settings import Settings, get_settings
from plans.extracts import ExtractInputError, ExtractOptions, ExtractRequest, issue_extract
from plans.extracts.batch import issue_batch
from plans.extracts.options import (
    parse_digits,
    parse_format,
    parse_lang,
    parse_orientation,
    parse_paper,
    parse_scale,
)
from plans.extracts.records import Bounds

T = TypeVar("T")


def extract(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write (PDF or PNG)")],
    parcel: Annotated[str | None, typer.Option(help="Parcel number, e.g. 101-01")] = None,
    bbox: Annotated[
        str | None, typer.Option(help="minx,miny,maxx,maxy in the storage CRS (metres)")
    ] = None,
    paper: Annotated[str, typer.Option(help="a4 or a3")] = "a4",
    orientation: Annotated[str, typer.Option(help="portrait or landscape")] = "portrait",
    scale: Annotated[str, typer.Option(help="500, 1000, 2500, 5000 or auto")] = "1000",
    lang: Annotated[str, typer.Option(help="ar, en or ar+en")] = "ar+en",
    file_format: Annotated[str, typer.Option("--format", help="pdf or png")] = "pdf",
    digits: Annotated[str, typer.Option(help="Digits in Arabic text: latin or arabic")] = "latin",
    check: Annotated[
        str | None, typer.Option("--check", help="Permit-check reference of this parcel to print")
    ] = None,
    municipality: Annotated[
        str | None, typer.Option(help="Municipality code [default: MUKHATTAT_MUNICIPALITY]")
    ] = None,
    date: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Zoning in force on this date")
    ] = None,
    verify_url: Annotated[
        str | None,
        typer.Option(help="Public base URL printed in the QR code [default: http://HOST:PORT]"),
    ] = None,
) -> None:
    """Print the zoning plan extract of a parcel or area, register it, and write the file."""
    settings = get_settings()
    if (parcel is None) == (bbox is None):
        raise typer.BadParameter("give exactly one of --parcel or --bbox", param_hint="--parcel")
    options = ExtractOptions(
        paper=_parsed(parse_paper, paper, "--paper"),
        orientation=_parsed(parse_orientation, orientation, "--orientation"),
        scale=_parsed(parse_scale, scale, "--scale"),
        lang=_parsed(parse_lang, lang, "--lang"),
        format=_parsed(parse_format, file_format, "--format"),
        digits=_parsed(parse_digits, digits, "--digits"),
    )
    request = ExtractRequest(
        municipality=municipality or settings.municipality,
        parcel=parcel,
        bbox=_bbox(bbox) if bbox is not None else None,
        options=options,
        on=date.date() if date else None,
        issued_by="cli",
        check_reference=check,
    )
    with transaction(settings) as session:
        issued = issue_extract(
            session,
            request,
            storage_crs=settings.storage_crs,
            verify_base_url=verify_url or _default_base_url(settings),
        )
    output.write_bytes(issued.content)
    page = f"{options.paper.upper()} {options.orientation}, 1:{issued.scale}"
    typer.echo(f"wrote {output} ({page}); reference {issued.reference}, sha256 {issued.sha256}")


def _parsed(parse: Callable[[str], T], value: str, option: str) -> T:
    try:
        return parse(value)
    except ExtractInputError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from exc


def _bbox(value: str) -> Bounds:
    parts = value.split(",")
    try:
        minx, miny, maxx, maxy = (float(part) for part in parts)
    except ValueError:
        raise typer.BadParameter(
            f"must be four numbers minx,miny,maxx,maxy; got {value!r}", param_hint="--bbox"
        ) from None
    return (minx, miny, maxx, maxy)


def _default_base_url(settings: Settings) -> str:
    return f"http://{settings.host}:{settings.port}"


def extract_batch(
    parcels: Annotated[str, typer.Option(help="Parcel numbers, comma-separated")],
    output: Annotated[Path, typer.Option("-o", "--output", help="ZIP file to write")],
    paper: Annotated[str, typer.Option(help="a4 or a3")] = "a4",
    lang: Annotated[str, typer.Option(help="ar, en or ar+en")] = "ar+en",
    scale: Annotated[str, typer.Option(help="500, 1000, 2500, 5000 or auto")] = "1000",
    municipality: Annotated[str | None, typer.Option(help="Municipality code")] = None,
) -> None:
    """Print and register one extract per parcel into a ZIP with a manifest."""
    settings = get_settings()
    options = ExtractOptions(
        paper=_parsed(parse_paper, paper, "--paper"),
        scale=_parsed(parse_scale, scale, "--scale"),
        lang=_parsed(parse_lang, lang, "--lang"),
    )
    template = ExtractRequest(
        municipality=municipality or settings.municipality, options=options, issued_by=cli_actor()
    )
    numbers = [number.strip() for number in parcels.split(",") if number.strip()]
    with transaction(settings) as session:
        batch = issue_batch(
            session,
            template,
            numbers,
            storage_crs=settings.storage_crs,
            verify_base_url=_default_base_url(settings),
        )
    output.write_bytes(batch.content)
    typer.echo(f"wrote {output}: {len(batch.entries)} extracts, manifest.json inside")
