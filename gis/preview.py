"""A preview image for the planner: the warped scan with the vectorised zones drawn over it."""

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
from affine import Affine
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry import MultiPolygon, Polygon

from gis.vectorise import ZoneRegion

_MAX_SIDE_PX = 2000


def preview_resolution(pixel_size: float, width: int, height: int) -> float:
    """Return a map resolution that keeps the preview within about 2,000 pixels a side."""
    return pixel_size * max(1.0, max(width, height) / _MAX_SIDE_PX)


def write_preview(
    rgba: npt.NDArray[np.uint8],
    affine: Affine,
    zones: Sequence[ZoneRegion],
    colours: Mapping[str, str],
    path: Path,
    *,
    low_confidence: float = 0.5,
) -> Path:
    """Draw the warped scan, each zone outlined in its legend colour, unsure zones hatched."""
    rows, cols = rgba.shape[:2]
    extent = (affine.c, affine.c + cols * affine.a, affine.f + rows * affine.e, affine.f)
    figure, axes = plt.subplots(figsize=(10, 10 * rows / max(cols, 1)), dpi=150)
    try:
        axes.imshow(rgba, extent=extent, interpolation="nearest")
        for code in sorted({zone.code for zone in zones}):
            mine = [zone for zone in zones if zone.code == code]
            colour = colours.get(code, "#444444")
            _draw(
                axes,
                [z.geometry for z in mine if z.confidence >= low_confidence],
                colour,
                hatch=None,
            )
            _draw(
                axes,
                [z.geometry for z in mine if z.confidence < low_confidence],
                colour,
                hatch="xx",
            )
            axes.plot([], [], color=colour, linewidth=2, label=code)
        axes.legend(loc="upper right", fontsize=7)
        axes.set_aspect("equal")
        axes.set_axis_off()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, bbox_inches="tight")
    finally:
        plt.close(figure)
    return path


def _draw(axes: Axes, geoms: Sequence[MultiPolygon], colour: str, *, hatch: str | None) -> None:
    patches = [PathPatch(_path(poly)) for geom in geoms for poly in geom.geoms]
    if patches:
        collection = PatchCollection(
            patches, facecolor=colour, alpha=0.35, edgecolor=colour, linewidth=1.2, hatch=hatch
        )
        axes.add_collection(collection)


def _path(polygon: Polygon) -> MplPath:
    rings = [np.asarray(polygon.exterior.coords)] + [
        np.asarray(r.coords) for r in polygon.interiors
    ]
    vertices = np.concatenate(rings)
    codes = np.concatenate(
        [
            [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY]
            for ring in rings
        ]
    )
    return MplPath(vertices, codes)
