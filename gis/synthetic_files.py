"""Write a synthetic sheet as the files a planner brings: scan PNG, GCP CSV and legend JSON."""

import json
from pathlib import Path

from PIL import Image

from gis.synthetic import SyntheticSheet


def write_sheet_files(sheet: SyntheticSheet, folder: Path) -> tuple[Path, Path, Path]:
    """Write `sheet` into `folder`; return the paths of the scan, the GCPs and the legend."""
    folder.mkdir(parents=True, exist_ok=True)
    scan = folder / "sheet.png"
    Image.fromarray(sheet.image).save(scan)
    gcps = folder / "gcps.csv"
    pairs = zip(sheet.gcps.pixel, sheet.gcps.map, strict=True)
    rows = [",".join(repr(float(v)) for v in (px, py, mx, my)) for (px, py), (mx, my) in pairs]
    gcps.write_text("\n".join(["pixel_x,pixel_y,map_x,map_y", *rows]) + "\n")
    legend = folder / "legend.json"
    zones = [
        {
            "code": entry.code,
            "color": "#{:02x}{:02x}{:02x}".format(*entry.colors[0]),
            "name": {"ar": entry.name_ar or entry.code, "en": entry.name_en or entry.code},
        }
        for entry in sheet.legend.entries
    ]
    legend.write_text(json.dumps({"zones": zones}, ensure_ascii=False, indent=1))
    return scan, gcps, legend
