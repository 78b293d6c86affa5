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
