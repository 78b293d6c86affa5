"""Overlay rules: heritage, flood or no-build areas that touch the plot."""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from gis import overlay
from plans.check_records import Explanation, RuleResult
from plans.rules.plot import FOOTPRINT_AREA_TOLERANCE_M2
from plans.rules.schema import OverlayRule, SliverTolerance
from plans.rules.wording import latin, number

if TYPE_CHECKING:
    from plans.types import RuleStatus


def evaluate_overlays(
    parcel: Polygon,
    footprint: Polygon | MultiPolygon | None,
    overlays: Sequence[tuple[str, BaseGeometry]],
    rules: Mapping[str, OverlayRule],
    *,
    tolerance: SliverTolerance,
) -> tuple[RuleResult, ...]:
    """Return one ``overlay:KIND`` result per overlay kind that touches the plot.

    An overlay touches the plot when its overlap is not a sliver under `tolerance`. With effect
    ``needs_review`` the result needs review. With effect ``fail`` the building must keep out
    of the overlay: it fails when the footprint enters it and needs review without a footprint.
    A kind the rule set does not name needs review.
    """
    area = float(parcel.area)
    overlaps: dict[str, BaseGeometry] = {}
    for kind, geom in overlays:
        part = parcel.intersection(geom)
        if part.area > 0:
            overlaps[kind] = part if kind not in overlaps else overlaps[kind].union(part)
    results = []
    for kind, part in overlaps.items():
        if part.area < tolerance.area_m2 or part.area < tolerance.share * area:
            continue
        rule = rules.get(kind)
        results.append(_judge(kind, part, footprint, rule))
    return tuple(results)


def _judge(
    kind: str,
    part: BaseGeometry,
    footprint: Polygon | MultiPolygon | None,
    rule: OverlayRule | None,
) -> RuleResult:
    touched = number(float(part.area))
    lead_ar = f"تتقاطع القطعة مع منطقة {latin(kind)} بمساحة {touched} م²"
    lead_en = f"the plot overlaps a {kind} area by {touched} m²"
    status: RuleStatus
    if rule is None:
        status = "needs_review"
        tail_ar, tail_en = (
            "، وهي غير معرّفة في مجموعة الأحكام فتحتاج إلى مراجعة.",
            "; the rule set does not define it, so it needs review.",
        )
    elif rule.effect == "needs_review":
        status = "needs_review"
        tail_ar, tail_en = "، وتحتاج إلى مراجعة البلدية.", "; the municipality must review it."
    elif footprint is None:
        status = "needs_review"
        tail_ar, tail_en = (
            "، ويُمنع البناء فيها ولم يُقدَّم المسقط الأفقي.",
            "; building there is not allowed and no footprint was given.",
        )
    elif overlay.intersection(footprint, part).area > FOOTPRINT_AREA_TOLERANCE_M2:
        status = "fail"
        tail_ar, tail_en = (
            "، ويُمنع البناء فيها والمبنى يدخلها.",
            "; building there is not allowed and the building enters it.",
        )
    else:
        status = "pass"
        tail_ar, tail_en = (
            "، ويُمنع البناء فيها والمبنى خارجها.",
            "; building there is not allowed and the building keeps out of it.",
        )
    explanation = Explanation(ar=lead_ar + tail_ar, en=lead_en[0].upper() + lead_en[1:] + tail_en)
    return RuleResult(
        f"overlay:{kind}", status, round(float(part.area), 2), None, "m2", explanation
    )
