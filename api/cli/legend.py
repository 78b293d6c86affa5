"""`mukhattat legend detect`: read a sheet's printed key into a draft legend JSON."""

import json
from pathlib import Path
from typing import Annotated

import typer
from PIL import Image

from gis.legend import parse_legend
from gis.legend_detect import detect_key, key_preview
from gis.raster import read_scan

app = typer.Typer(help="Draft a legend from a sheet's printed key.", no_args_is_help=True)


@app.command("detect")
def detect(
    scan: Annotated[Path, typer.Argument(help="Scanned sheet (TIFF, PNG, JPEG or PDF)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Draft legend JSON to write")],
    page: Annotated[int, typer.Option(min=1, help="Page of a PDF scan")] = 1,
    preview: Annotated[
        Path | None, typer.Option(help="Write the key region with the found swatches (PNG)")
    ] = None,
) -> None:
    """Find the key's swatches, read each label by OCR and write a legend to confirm or edit.

    Exits 1 with one line when the scan cannot be read or has no key this can find.
    """
    image = read_scan(scan, page=page)
    key = detect_key(image)
    draft = key.to_legend_json()
    parse_legend(draft)  # the draft must be a legend the other commands accept
    output.write_text(json.dumps(draft, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if preview is not None:
        Image.fromarray(key_preview(image, key)).save(preview)
    unread = sum(1 for entry in key.entries if not entry.text)
    typer.echo(
        f"wrote {len(key.entries)} key entries to {output} ({unread} unread, key read turned "
        f"{90 * key.quarter_turns} degrees anticlockwise): check the codes and names before use"
    )
