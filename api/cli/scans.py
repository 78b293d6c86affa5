"""`mukhattat vectorise` (scan to GeoPackage) and `mukhattat import scan` (to a draft version)."""

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import geopandas as gpd
import typer

from api.cli.actor import cli_actor
from api.runtime import transaction
from api.settings import get_settings
from gis.crs import parse_crs
from gis.legend import read_legend
from gis.preview import preview_resolution, write_preview
from gis.raster import read_scan
from gis.types import (
    FRAME_MODES,
    SHEET_STYLES,
    TRANSFORM_METHODS,
    FrameMode,
    SheetStyle,
    TransformMethod,
)
from gis.warp import warp_scan
from plans.imports.scans import ScanImportRequest, ScanSource, digitise_scan, import_scan

ScanArg = Annotated[Path, typer.Argument(help="Scan: TIFF, PNG or JPEG, or a PDF (see --page)")]
PageOpt = Annotated[int, typer.Option(min=1, help="Page of a PDF scan, from 1")]
FrameOpt = Annotated[
    str,
    typer.Option(
        help=f"Map frame: {', '.join(FRAME_MODES)} (auto: find it and digitise only inside it)"
    ),
]
GcpsOpt = Annotated[
    Path, typer.Option(help="GCPs: CSV pixel_x,pixel_y,map_x,map_y or QGIS .points")
]
LegendOpt = Annotated[Path, typer.Option(help="Legend JSON")]
MethodOpt = Annotated[str, typer.Option(help=f"Transform: {', '.join(TRANSFORM_METHODS)}")]
StyleOpt = Annotated[str, typer.Option(help=f"Sheet style: {', '.join(SHEET_STYLES)}")]
MinAreaOpt = Annotated[float, typer.Option("--min-area", min=0, help="Minimum mapping unit, m²")]
GcpsCrsOpt = Annotated[
    str | None, typer.Option(help="CRS of the GCPs' map coordinates if not --crs")
]


def vectorise(
    scan: ScanArg,
    gcps: GcpsOpt,
    legend: LegendOpt,
    crs: Annotated[str, typer.Option(help="Output CRS, e.g. EPSG:32637")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output GeoPackage")],
    method: MethodOpt = "auto",
    style: StyleOpt = "auto",
    min_area: MinAreaOpt = 25.0,
    gcps_crs: GcpsCrsOpt = None,
    report: Annotated[Path | None, typer.Option(help="Write the quality report (JSON)")] = None,
    preview: Annotated[Path | None, typer.Option(help="Write a preview image (PNG)")] = None,
    page: PageOpt = 1,
    frame: FrameOpt = "auto",
) -> None:
    """Georeference and vectorise a scanned plan sheet into a clean zone coverage."""
    target = parse_crs(crs)
    source = _source(scan, gcps, legend, gcps_crs, method, style, min_area, page, frame)
    result = digitise_scan(source, crs=target)
    layer = gpd.GeoDataFrame(
        {
            "zone_code": [z.code for z in result.zones],
            "confidence": [round(z.confidence, 4) for z in result.zones],
        },
        geometry=[z.geometry for z in result.zones],
        crs=target,
    )
    layer.to_file(output, layer="zones", driver="GPKG")
    if report is not None:
        report.write_text(json.dumps(result.report, ensure_ascii=False, indent=2, default=str))
    if preview is not None:
        image = read_scan(scan, max_pixels=source.max_pixels, page=page)
        size = preview_resolution(
            result.transform.report.pixel_size, image.shape[1], image.shape[0]
        )
        rgba, affine = warp_scan(image, result.transform, resolution=size)
        colours = _legend_colours(legend)
        write_preview(rgba, affine, result.zones, colours, preview)
    rms = result.transform.report.rms
    used = result.transform.method
    typer.echo(f"wrote {len(result.zones)} zones to {output} ({used}, GCP RMS {rms:.2f} m)")


def import_scan_command(
    scan: ScanArg,
    plan: Annotated[str, typer.Option(help="Plan number")],
    gcps: GcpsOpt,
    legend: LegendOpt,
    method: MethodOpt = "auto",
    style: StyleOpt = "auto",
    min_area: MinAreaOpt = 25.0,
    gcps_crs: GcpsCrsOpt = None,
    effective_from: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Date the version takes effect")
    ] = None,
    municipality: Annotated[str | None, typer.Option(help="Municipality code")] = None,
    page: PageOpt = 1,
    frame: FrameOpt = "auto",
) -> None:
    """Digitise a scan and store it as the plan's next draft version, with its scan layer."""
    settings = get_settings()
    request = ScanImportRequest(
        source=_source(scan, gcps, legend, gcps_crs, method, style, min_area, page, frame),
        municipality=municipality or settings.municipality,
        plan_number=plan,
        effective_from=effective_from.date() if effective_from else None,
        created_by=cli_actor(),
    )
    scans_dir = settings.data_dir / "scans"
    with transaction(settings) as session:
        stored = import_scan(
            session, request, storage_crs=settings.storage_crs, scans_dir=scans_dir
        )
    typer.echo(
        f"imported {stored.zones} zones as draft version {stored.version} of plan {plan} "
        f"({stored.method}, GCP RMS {stored.rms_m:.2f} m); scan layer {stored.cog.name}"
    )
    typer.echo(f"review, then: mukhattat plans publish {plan} --version {stored.version}")


def _source(
    scan: Path,
    gcps: Path,
    legend: Path,
    gcps_crs: str | None,
    method: str,
    style: str,
    min_area: float,
    page: int,
    frame: str,
) -> ScanSource:
    if method not in TRANSFORM_METHODS:
        raise typer.BadParameter(
            f"must be one of {', '.join(TRANSFORM_METHODS)}", param_hint="--method"
        )
    if style not in SHEET_STYLES:
        raise typer.BadParameter(f"must be one of {', '.join(SHEET_STYLES)}", param_hint="--style")
    if frame not in FRAME_MODES:
        raise typer.BadParameter(f"must be one of {', '.join(FRAME_MODES)}", param_hint="--frame")
    chosen_method: TransformMethod = method
    chosen_style: SheetStyle = style
    chosen_frame: FrameMode = frame
    max_pixels = get_settings().max_scan_pixels
    return ScanSource(
        scan, gcps, legend, gcps_crs, chosen_method, chosen_style, min_area, max_pixels, page,
        chosen_frame,
    )  # fmt: skip


def _legend_colours(path: Path) -> dict[str, str]:
    colours: dict[str, str] = {}
    for entry in read_legend(path).entries:
        if entry.colors:
            red, green, blue = entry.colors[0]
            colours[entry.code] = f"#{red:02x}{green:02x}{blue:02x}"
    return colours
