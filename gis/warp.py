"""Warp a scan onto the map grid with its fitted transform and write a Cloud-Optimised GeoTIFF.

The same `FittedTransform` that maps the vectorised zones is used here, so the scan laid under
the vectors in the viewer agrees with them exactly (GDAL's own GCP warpers know no projective
transform and fit their own polynomials).
"""

from pathlib import Path

import numpy as np
import numpy.typing as npt
import rasterio
from affine import Affine
from rasterio.io import MemoryFile
from rio_cogeo.cogeo import cog_translate
from rio_cogeo.profiles import cog_profiles
from scipy import ndimage

from gis.crs import parse_crs
from gis.georef import FittedTransform
from gis.types import CRSLike

_BLOCK_ROWS = 512
_OUTLINE_SAMPLES = 64


def warp_scan(
    image: npt.NDArray[np.uint8], transform: FittedTransform, *, resolution: float | None = None
) -> tuple[npt.NDArray[np.uint8], Affine]:
    """Resample an (H, W, 3) RGB scan onto a north-up map grid; return RGBA pixels and their affine.

    Parameters
    ----------
    image
        The scan, rows top to bottom.
    transform
        Pixel -> map transform of this scan (map units of the GCPs' CRS).
    resolution
        Output pixel size in map units; default the scan's own (`GeorefReport.pixel_size`).

    Returns
    -------
    rgba, affine
        Alpha is 0 outside the scan. ``affine`` maps output (col, row) to map coordinates.

    Notes
    -----
    Output rows are computed in blocks of 512 with bilinear sampling, so memory beyond the
    input and output arrays stays at a few blocks.
    """
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must be (rows, cols, 3) RGB, got shape {image.shape}")
    size = resolution or transform.report.pixel_size
    minx, miny, maxx, maxy = _map_bounds(transform, image.shape[1], image.shape[0])
    cols, rows = int(np.ceil((maxx - minx) / size)), int(np.ceil((maxy - miny) / size))
    affine = Affine(size, 0.0, minx, 0.0, -size, maxy)
    out = np.zeros((rows, cols, 4), dtype=np.uint8)
    for top in range(0, rows, _BLOCK_ROWS):
        bottom = min(rows, top + _BLOCK_ROWS)
        out[top:bottom] = _warp_block(image, transform, affine, cols, top, bottom)
    return out, affine


def write_cog(rgba: npt.NDArray[np.uint8], affine: Affine, *, crs: CRSLike, path: Path) -> Path:
    """Write RGBA pixels as a deflate-compressed Cloud-Optimised GeoTIFF with overviews."""
    rows, cols = rgba.shape[:2]
    profile = {
        "driver": "GTiff",
        "width": cols,
        "height": rows,
        "count": 4,
        "dtype": "uint8",
        "crs": parse_crs(crs).to_wkt(),
        "transform": affine,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with MemoryFile() as memory:
        with memory.open(**profile) as dataset:
            dataset.write(np.moveaxis(rgba, 2, 0))
            dataset.colorinterp = [
                rasterio.enums.ColorInterp.red,
                rasterio.enums.ColorInterp.green,
                rasterio.enums.ColorInterp.blue,
                rasterio.enums.ColorInterp.alpha,
            ]
        with memory.open() as source:
            cog_translate(
                source, str(path), dict(cog_profiles["deflate"]), quiet=True, in_memory=False
            )
    return path


def _map_bounds(
    transform: FittedTransform, width: int, height: int
) -> tuple[float, float, float, float]:
    """Bounds of the scan's outline on the map (sampled along its edges, for curved warps)."""
    steps = np.linspace(0.0, 1.0, _OUTLINE_SAMPLES)
    edge = np.concatenate(
        [
            np.column_stack([steps * width, np.zeros_like(steps)]),
            np.column_stack([steps * width, np.full_like(steps, height)]),
            np.column_stack([np.zeros_like(steps), steps * height]),
            np.column_stack([np.full_like(steps, width), steps * height]),
        ]
    )
    mapped = transform.apply(edge)
    return (
        float(mapped[:, 0].min()),
        float(mapped[:, 1].min()),
        float(mapped[:, 0].max()),
        float(mapped[:, 1].max()),
    )


def _warp_block(
    image: npt.NDArray[np.uint8],
    transform: FittedTransform,
    affine: Affine,
    cols: int,
    top: int,
    bottom: int,
) -> npt.NDArray[np.uint8]:
    col_idx, row_idx = np.meshgrid(np.arange(cols) + 0.5, np.arange(top, bottom) + 0.5)
    xs = affine.c + col_idx * affine.a
    ys = affine.f + row_idx * affine.e
    source = transform.apply_inverse(np.column_stack([xs.ravel(), ys.ravel()]))
    # Pixel centres sit at +0.5 in the corner convention; map_coordinates indexes centres.
    src_col, src_row = source[:, 0] - 0.5, source[:, 1] - 0.5
    inside = (src_col >= -0.5) & (src_col <= image.shape[1] - 0.5)
    inside &= (src_row >= -0.5) & (src_row <= image.shape[0] - 0.5)
    block = np.zeros((bottom - top, cols, 4), dtype=np.uint8)
    for band in range(3):
        values = ndimage.map_coordinates(
            image[:, :, band], [src_row, src_col], order=1, mode="nearest"
        )
        block[:, :, band] = values.reshape(bottom - top, cols)
    block[:, :, 3] = np.where(inside, 255, 0).reshape(bottom - top, cols)
    return block
