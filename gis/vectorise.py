"""Polygonise a class raster in pixel space and map the vertices to map coordinates."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from affine import Affine
from rasterio.features import shapes
from shapely.geometry import MultiPolygon, shape

from gis.classify import label_regions
from gis.raster import iter_windows
from gis.types import FloatArray, LabelArray

Mapper = Callable[[FloatArray], FloatArray]
"""Maps (n, 2) pixel positions (x right, y down, corner convention) to (n, 2) map coordinates,
e.g. `gis.georef.FittedTransform.apply`."""


@dataclass(frozen=True, eq=False)
class ZoneRegion:
    """One connected zone region: its code, geometry and confidence (0..1)."""

    code: str
    geometry: MultiPolygon
    confidence: float


def polygonise(
    labels: LabelArray,
    confidence: npt.NDArray[np.uint8],
    codes: Sequence[str],
    mapper: Mapper | None = None,
    *,
    rows: int = 2048,
) -> list[ZoneRegion]:
    """Turn every 4-connected region of equal class into a `ZoneRegion`.

    Parameters
    ----------
    labels
        Class values: 0 is off the map, ``i + 1`` stands for ``codes[i]``.
    confidence
        Per-pixel confidence 0..255; a region's confidence is its mean divided by 255.
    mapper
        Pixel -> map mapping applied to every vertex (pixel space when None). The vertices
        are pixel corners, so no resampling of the scan is involved.
    rows
        Rows per window when summing confidences.

    Notes
    -----
    Holds an int32 region raster (4 bytes per pixel) and, transiently, one more while a
    class is labelled; the shapes come from a generator and only the final polygons are
    kept, one per region.

    Examples
    --------
    >>> labels = np.array([[1, 1, 2], [1, 1, 2]], np.uint8)
    >>> regions = polygonise(labels, np.full((2, 3), 255, np.uint8), ["A", "B"])
    >>> [(r.code, r.geometry.area, r.confidence) for r in regions]
    [('A', 4.0, 1.0), ('B', 2.0, 1.0)]
    """
    regions, classes = label_regions(labels)
    if not len(classes):
        return []
    scores = _mean_per_region(regions, confidence, len(classes), rows=rows)
    ids, polygons = _region_shapes(regions)
    if not len(ids):
        return []
    order = np.argsort(ids, kind="stable")
    ids, polygons = ids[order], polygons[order]
    if mapper is not None:
        polygons = shapely.transform(polygons, mapper)
    unique, starts = np.unique(ids, return_index=True)
    groups = np.split(polygons, starts[1:])
    return [
        ZoneRegion(codes[int(classes[i]) - 1], _multi(group), float(scores[i]))
        for i, group in zip(unique, groups, strict=True)
    ]


def _mean_per_region(
    regions: npt.NDArray[np.int32], confidence: npt.NDArray[np.uint8], count: int, *, rows: int
) -> FloatArray:
    sums = np.zeros(count, np.float64)
    sizes = np.zeros(count, np.float64)
    for core, _ in iter_windows(regions.shape, rows=rows):
        ids = regions[core].ravel()
        sums += np.bincount(ids, weights=confidence[core].ravel(), minlength=count)
        sizes += np.bincount(ids, minlength=count)
    result: FloatArray = sums / np.maximum(sizes, 1) / 255.0
    return result


def _region_shapes(
    regions: npt.NDArray[np.int32],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    def generate() -> Iterator[tuple[int, object]]:
        for geojson, value in shapes(
            regions, mask=regions > 0, connectivity=4, transform=Affine.identity()
        ):
            yield int(value), shape(geojson)

    pairs = list(generate())
    ids = np.fromiter((i for i, _ in pairs), np.int64, len(pairs))
    polygons = np.empty(len(pairs), object)
    polygons[:] = [p for _, p in pairs]
    return ids, polygons


def _multi(polygons: npt.NDArray[np.object_]) -> MultiPolygon:
    parts = [p for poly in polygons for p in getattr(poly, "geoms", [poly])]
    return MultiPolygon(parts)
