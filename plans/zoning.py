"""Zones under a plot: their shares, slivers, and how the results of several zones combine."""

from collections.abc import Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from plans.check_records import Explanation, RuleResult, ZoneShare
from plans.rules.schema import RuleSet, SliverTolerance
from plans.rules.wording import latin, number
from plans.types import RuleStatus, SplitZonePolicy

_SEVERITY: dict[RuleStatus, int] = {"not_applicable": 0, "pass": 1, "needs_review": 2, "fail": 3}


@dataclass(frozen=True)
class ZoneParts:
    """The zones under a plot, largest first, and the part of the plot no zone covers.

    ``active`` holds the parts the rules apply to (not slivers), as (zone code, geometry).
    """

    shares: tuple[ZoneShare, ...]
    active: tuple[tuple[str, BaseGeometry], ...]
    uncovered_m2: float


def is_sliver(area_m2: float, share: float, tolerance: SliverTolerance) -> bool:
    """Return True when a part is below either the area or the share of `tolerance`."""
    return area_m2 < tolerance.area_m2 or share < tolerance.share


def zone_parts(
    parcel: BaseGeometry, zones: Sequence[tuple[str, BaseGeometry]], rule_set: RuleSet
) -> ZoneParts:
    """Intersect `parcel` with `zones` (merging parts of the same code) and flag the slivers.

    When every part is a sliver (a plot smaller than the tolerance), the largest still counts.
    """
    area = float(parcel.area)
    pieces: dict[str, list[BaseGeometry]] = {}
    for code, geom in zones:
        part = parcel.intersection(geom)
        if part.area > 0:
            pieces.setdefault(code, []).append(part)
    merged = {code: shapely.union_all(parts) for code, parts in pieces.items()}
    ordered = sorted(merged.items(), key=lambda item: -item[1].area)
    tolerance = rule_set.policy.sliver_tolerance
    slivers = [is_sliver(part.area, part.area / area, tolerance) for _, part in ordered]
    if ordered and all(slivers):
        slivers[0] = False
    shares = tuple(
        _share(code, part, area, sliver, rule_set)
        for (code, part), sliver in zip(ordered, slivers, strict=True)
    )
    active = tuple(item for item, sliver in zip(ordered, slivers, strict=True) if not sliver)
    covered = shapely.union_all(list(merged.values())).area if merged else 0.0
    return ZoneParts(shares, active, max(area - float(covered), 0.0))


def _share(
    code: str, part: BaseGeometry, area: float, sliver: bool, rule_set: RuleSet
) -> ZoneShare:
    zone = rule_set.zones.get(code)
    name_ar = zone.name.ar if zone is not None else None
    name_en = zone.name.en if zone is not None else None
    return ZoneShare(code, float(part.area), float(part.area) / area, sliver, name_ar, name_en)


def coverage_results(
    parts: ZoneParts, rule_set: RuleSet, parcel_area_m2: float
) -> list[RuleResult]:
    """Results for zones the rule set does not know and for a plot partly outside every zone."""
    results = []
    for code, _ in parts.active:
        if code not in rule_set.zones:
            results.append(
                _review(
                    "zone_rules",
                    f"لا تتضمن مجموعة الأحكام {latin(rule_set.rule_set)} "
                    f"أحكامًا للمنطقة {latin(code)}.",
                    f"Rule set {rule_set.rule_set} has no rules for zone {code}.",
                    zone=code,
                )
            )
    uncovered = parts.uncovered_m2
    tolerance = rule_set.policy.sliver_tolerance
    if not parts.active or not is_sliver(uncovered, uncovered / parcel_area_m2, tolerance):
        results.append(
            _review(
                "zone_coverage",
                f"يقع جزء من القطعة مساحته {number(uncovered)} م² خارج مناطق المخطط.",
                f"{number(uncovered)} m² of the plot lie outside every zone of the plan.",
                measured=round(uncovered, 2),
            )
        )
    return results


def split_zone_result(parts: ZoneParts, policy: SplitZonePolicy) -> RuleResult | None:
    """Return the ``split_zone`` result when several zones apply (None for one zone)."""
    if len(parts.active) < 2:
        return None
    codes = ", ".join(code for code, _ in parts.active)
    codes_ar = "، ".join(latin(code) for code, _ in parts.active)
    how = {
        "strictest": ("وطُبّقت أشد أحكامها", "the strictest of their rules applies"),
        "per_part": ("وطُبّقت أحكام كل منطقة على جزئها", "each zone's rules apply to its part"),
        "needs_review": ("وتحتاج إلى مراجعة البلدية", "the municipality must review it"),
    }[policy]
    status: RuleStatus = "needs_review" if policy == "needs_review" else "pass"
    explanation = Explanation(
        ar=f"تقع القطعة في أكثر من منطقة ({codes_ar})، {how[0]}.",
        en=f"The plot lies in several zones ({codes}); {how[1]}.",
    )
    return RuleResult("split_zone", status, len(parts.active), None, "zones", explanation)


def _review(
    rule: str, ar: str, en: str, *, zone: str | None = None, measured: float | None = None
) -> RuleResult:
    return RuleResult(rule, "needs_review", measured, None, None, Explanation(ar, en), zone=zone)


def combine(
    per_zone: Sequence[Sequence[RuleResult]], *, policy: SplitZonePolicy
) -> list[RuleResult]:
    """Merge the results of several zones into one list, as the split-zone `policy` says.

    ``per_part`` keeps every result and names its zone in the rule (``max_coverage[RES_A]``).
    ``strictest`` keeps, per rule, the worst status (ties: the tightest pass, the widest fail).
    ``needs_review`` does the same, but a rule that fails in some zones and not in all of them
    needs review, since it is not known which zone's rule governs.
    """
    if policy == "per_part" and len(per_zone) > 1:
        return [_renamed(result) for results in per_zone for result in results]
    groups: dict[str, list[RuleResult]] = {}
    for results in per_zone:
        for result in results:
            groups.setdefault(result.rule, []).append(result)
    combined = []
    for group in groups.values():
        worst = max(group, key=_strictness)
        disagree = worst.status == "fail" and (
            len(group) < len(per_zone) or any(result.status != "fail" for result in group)
        )
        combined.append(_disputed(worst, group) if policy == "needs_review" and disagree else worst)
    return combined


def _strictness(result: RuleResult) -> tuple[int, float]:
    gap = 0.0
    if isinstance(result.measured, int | float) and isinstance(result.limit, int | float):
        gap = abs(float(result.limit) - float(result.measured))
    return _SEVERITY[result.status], gap if result.status == "fail" else -gap


def _renamed(result: RuleResult) -> RuleResult:
    rule = result.rule if result.zone is None else f"{result.rule}[{result.zone}]"
    return RuleResult(
        rule,
        result.status,
        result.measured,
        result.limit,
        result.unit,
        result.explanation,
        zone=result.zone,
    )


def _disputed(worst: RuleResult, group: list[RuleResult]) -> RuleResult:
    listing = ", ".join(f"{result.zone}: {result.status}" for result in group)
    listing_ar = "، ".join(latin(f"{result.zone}: {result.status}") for result in group)
    explanation = Explanation(
        ar=f"{worst.explanation.ar} تختلف نتيجة هذه القاعدة بين مناطق القطعة ({listing_ar})، "
        "فتحتاج إلى مراجعة.",
        en=f"{worst.explanation.en} The result differs between the plot's zones ({listing}), "
        "so it needs review.",
    )
    return RuleResult(
        worst.rule,
        "needs_review",
        worst.measured,
        worst.limit,
        worst.unit,
        explanation,
        zone=worst.zone,
    )
