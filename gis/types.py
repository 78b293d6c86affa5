"""Shared type aliases and the `Literal` choices of the spatial layer."""

from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt
from pyproj import CRS

BBox: TypeAlias = tuple[float, float, float, float]
"""(minx, miny, maxx, maxy) in the coordinates of a stated CRS."""

CRSLike: TypeAlias = CRS | str | int
"""Anything `pyproj.CRS.from_user_input` accepts: a CRS, "EPSG:32637", 32637."""

InvalidPolicy: TypeAlias = Literal["repair", "reject"]
"""What to do with an invalid input geometry."""

INVALID_POLICIES: tuple[InvalidPolicy, ...] = ("repair", "reject")

FloatArray: TypeAlias = npt.NDArray[np.float64]
"""A float64 array; coordinate arrays are (n, 2) with columns x, y."""

TransformModel: TypeAlias = Literal["affine", "projective", "poly2", "tps"]
"""A pixel -> map transform family, from the simplest to the most flexible."""

TRANSFORM_MODELS: tuple[TransformModel, ...] = ("affine", "projective", "poly2", "tps")

TransformMethod: TypeAlias = Literal["affine", "projective", "poly2", "tps", "auto"]
"""A transform family to fit, or ``"auto"`` to choose one by leave-one-out error."""

TRANSFORM_METHODS: tuple[TransformMethod, ...] = ("affine", "projective", "poly2", "tps", "auto")

RGBImage: TypeAlias = npt.NDArray[np.uint8]
"""An (height, width, 3) uint8 image, channels red, green, blue."""

LabelArray: TypeAlias = npt.NDArray[np.uint8]
"""An (height, width) uint8 raster of class values: 0 outside the map, i the i-th legend code."""

Window: TypeAlias = tuple[slice, slice]
"""Rows and columns of a rectangular block of a raster, as numpy slices."""

SheetStyle: TypeAlias = Literal["auto", "filled", "outline", "pattern"]
"""How zones are drawn on a sheet: colour fills, outlines with printed labels, or
black-and-white patterns (hatching, dots, solid, plain paper) explained by a key."""

SHEET_STYLES: tuple[SheetStyle, ...] = ("auto", "filled", "outline", "pattern")

SyntheticKind: TypeAlias = Literal["printed", "faded", "pencil", "pattern", "outline"]
"""A kind of synthetic sheet: clean print, faded photocopy, colour-pencil drawing, an old
black-and-white print with pattern fills, or an outline-only sheet (black boundaries and
printed zone labels, no fills)."""

SYNTHETIC_KINDS: tuple[SyntheticKind, ...] = ("printed", "faded", "pencil", "pattern", "outline")

FrameMode: TypeAlias = Literal["auto", "none"]
"""Whether to find the sheet's map frame and digitise only inside it (``auto``), or not."""

FRAME_MODES: tuple[FrameMode, ...] = ("auto", "none")
