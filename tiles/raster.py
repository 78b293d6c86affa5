"""Raster tiles (PNG) of a georeferenced scan's Cloud-Optimised GeoTIFF, read with rio-tiler."""

from pathlib import Path

from rio_tiler.errors import TileOutsideBounds
from rio_tiler.io import Reader


class ScanTileMissingError(LookupError):
    """The tile lies outside the scan (or the scan has no COG)."""


def scan_tile(cog: Path, z: int, x: int, y: int, *, tilesize: int = 256) -> bytes:
    """Return the scan's Web Mercator tile z/x/y as PNG (transparent outside the sheet)."""
    if not cog.exists():
        raise ScanTileMissingError(f"no georeferenced scan at {cog.name}")
    with Reader(str(cog)) as reader:
        try:
            image = reader.tile(x, y, z, tilesize=tilesize)
        except TileOutsideBounds as exc:
            raise ScanTileMissingError(f"tile {z}/{x}/{y} is outside the scan") from exc
    return bytes(image.render(img_format="PNG"))
