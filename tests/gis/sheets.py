"""Shared synthetic sheets and a digitise-and-score helper for the gis tests (cached)."""

from functools import cache

from gis.digitise import DigitiseResult, digitise
from gis.scoring import Score, score_zones
from gis.synthetic import SyntheticSheet, make_sheet


@cache
def sheet(kind="printed", seed=0) -> SyntheticSheet:
    return make_sheet(kind, seed=seed)


@cache
def digitised(kind="printed", seed=0) -> tuple[DigitiseResult, Score]:
    s = sheet(kind, seed)
    result = digitise(s.image, s.gcps, s.legend, method="affine")
    return result, score_zones([(z.code, z.geometry) for z in result.zones], s.truth)
