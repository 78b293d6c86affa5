"""Shared type aliases and the `Literal` choices of the spatial layer."""

from typing import Literal, TypeAlias

from pyproj import CRS

BBox: TypeAlias = tuple[float, float, float, float]
"""(minx, miny, maxx, maxy) in the coordinates of a stated CRS."""

CRSLike: TypeAlias = CRS | str | int
"""Anything `pyproj.CRS.from_user_input` accepts: a CRS, "EPSG:32637", 32637."""

InvalidPolicy: TypeAlias = Literal["repair", "reject"]
"""What to do with an invalid input geometry."""

INVALID_POLICIES: tuple[InvalidPolicy, ...] = ("repair", "reject")
