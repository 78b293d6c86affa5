import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import box
from shapely.geometry import Polygon, shape

from plans.check import check_application, verdict_of
from plans.check_records import Application
from plans.errors import CheckInputError
from plans.rules import load_rule_set
from plans.rules.examples import EXAMPLES_DIR
from tests.plans.rules.helpers import make_rule_set

PARCEL = box(0, 0, 30, 40)  # 1,200 m²
ROAD = box(-50, -12, 80, 0)  # along the south edge, 12 m wide
ZONE_A = [("RES_A", box(-100, -100, 100, 100))]
GOOD = Application(
    "residential", floors=3, height_m=12, gfa_m2=1500, footprint=box(3, 5, 27, 24)
)  # 456 m² = 0.38 coverage, inside the 5/3/3/6 envelope


def same_shape(a, b):
    return a.symmetric_difference(b).area < 1e-9


def by_rule(result):
    return {rule.rule: rule for rule in result.rules}


def test_eligible_application():
    result = check_application(PARCEL, ZONE_A, [ROAD], GOOD, make_rule_set())
    assert result.verdict == "eligible", [(r.rule, r.status) for r in result.rules]
    assert same_shape(result.envelope, box(3, 5, 27, 34))
    assert result.reference is None
    assert by_rule(result)["max_coverage"].measured == pytest.approx(0.38)


def test_json_has_the_design_shape():
    document = check_application(PARCEL, ZONE_A, [ROAD], GOOD, make_rule_set()).to_json()
    assert set(document) == {"verdict", "reference", "rules", "zones", "envelope"}
    for rule in document["rules"]:
        assert set(rule) == {"rule", "status", "measured", "limit", "unit", "explanation"}
        assert set(rule["explanation"]) == {"ar", "en"}
    assert same_shape(shape(document["envelope"]), box(3, 5, 27, 34))
    assert document["zones"][0]["zone_code"] == "RES_A"
    assert json.loads(json.dumps(document, ensure_ascii=False)) == document


def test_explanations_are_arabic_and_english():
    for rule in check_application(PARCEL, ZONE_A, [ROAD], GOOD, make_rule_set()).rules:
        assert any("\u0600" <= char <= "\u06ff" for char in rule.explanation.ar), rule.rule
        assert rule.explanation.en.isascii() or "²" in rule.explanation.en


@pytest.mark.parametrize(
    ("changes", "rule", "status"),
    [
        ({"use": "industrial"}, "use", "fail"),
        ({"use": "clinic"}, "use", "needs_review"),
        ({"floors": 5}, "max_floors", "fail"),
        ({"height_m": 15.5}, "max_height", "fail"),
        ({"gfa_m2": 1900}, "max_far", "fail"),
        ({"footprint": box(3, 5, 27, 25)}, "max_coverage", "fail"),
        ({"footprint": box(2, 5, 26, 24)}, "setback_side", "fail"),
        ({"footprint": box(3, 4, 27, 23)}, "setback_front", "fail"),
        ({"footprint": box(3, 16, 27, 35)}, "setback_rear", "fail"),
    ],
)
def test_single_rule_failure(changes, rule, status):
    application = Application(**{**GOOD.__dict__, **changes})
    result = check_application(PARCEL, ZONE_A, [ROAD], application, make_rule_set())
    assert by_rule(result)[rule].status == status
    assert result.verdict == ("not_eligible" if status == "fail" else "needs_review")


def test_small_plot_fails_min_area_and_frontage():
    parcel = box(0, 0, 15, 40)
    result = check_application(parcel, ZONE_A, [ROAD], Application("residential"), make_rule_set())
    rules = by_rule(result)
    assert rules["min_plot_area"].status == "fail"
    assert rules["min_frontage"].status == "fail"
    assert rules["min_frontage"].measured == pytest.approx(15)


def test_plot_without_road_needs_review_for_front_setbacks():
    result = check_application(PARCEL, ZONE_A, [], GOOD, make_rule_set())
    rules = by_rule(result)
    assert rules["setback_front"].status == "needs_review"
    assert rules["min_frontage"].status == "needs_review"
    assert result.verdict == "needs_review"
    # the envelope keeps the largest setback from every edge
    assert same_shape(result.envelope, box(6, 6, 24, 34))


def test_corner_plot_uses_street_width_setbacks():
    rule_set = make_rule_set(
        setbacks_m={"front": {"street_width_ratio": 0.2, "min": 2, "max": 6}, "side": 3, "rear": 6}
    )
    east_road = box(30, -12, 50, 90)  # 20 m wide: 4 m setback; south 12 m wide: 2.4 m
    application = Application("residential", footprint=box(6, 2.4, 26, 20))
    result = check_application(PARCEL, ZONE_A, [ROAD, east_road], application, rule_set)
    assert same_shape(result.envelope, box(6, 2.4, 26, 34))
    front = by_rule(result)["setback_front"]
    assert front.status == "pass"
    assert front.limit == 2.4  # the edge with the smallest margin: the 12 m street


def test_slivers_are_reported_and_ignored():
    zones = [("RES_A", box(0, 0, 30, 39.98)), ("COM", box(0, 39.98, 30, 50))]
    result = check_application(PARCEL, zones, [ROAD], GOOD, make_rule_set())
    shares = {zone.zone_code: zone for zone in result.zones}
    assert shares["COM"].sliver and not shares["RES_A"].sliver
    assert "split_zone" not in by_rule(result)
    assert result.verdict == "eligible"


SPLIT = [("RES_A", box(0, 0, 30, 20)), ("COM", box(0, 20, 30, 40))]


def test_split_zone_strictest_uses_strictest_rule():
    application = Application("commercial", footprint=box(3, 5, 27, 24))
    result = check_application(PARCEL, SPLIT, [ROAD], application, make_rule_set())
    rules = by_rule(result)
    assert rules["split_zone"].status == "pass"
    assert rules["use"].status == "needs_review"  # not listed for RES_A
    assert rules["max_coverage"].limit == pytest.approx(0.39)
    assert same_shape(result.envelope, box(3, 5, 27, 34))


def test_split_zone_needs_review_policy():
    application = Application("commercial", floors=6)
    result = check_application(
        PARCEL, SPLIT, [ROAD], application, make_rule_set(split_zone="needs_review")
    )
    rules = by_rule(result)
    assert rules["split_zone"].status == "needs_review"
    assert rules["max_floors"].status == "needs_review"  # fails in RES_A only
    assert result.verdict == "needs_review"


def test_split_zone_per_part_policy():
    application = Application("residential", gfa_m2=1200, footprint=box(3, 5, 27, 34))
    result = check_application(
        PARCEL, SPLIT, [ROAD], application, make_rule_set(split_zone="per_part")
    )
    rules = by_rule(result)
    assert rules["max_coverage[RES_A]"].measured == pytest.approx(24 * 15 / 600)
    assert rules["max_coverage[COM]"].measured == pytest.approx(24 * 14 / 600)
    assert rules["max_coverage[RES_A]"].status == "fail"
    assert rules["max_coverage[COM]"].status == "pass"


def test_unknown_zone_and_uncovered_plot_need_review():
    result = check_application(PARCEL, [("XYZ", box(0, 0, 30, 20))], [ROAD], GOOD, make_rule_set())
    rules = by_rule(result)
    assert rules["zone_rules"].status == "needs_review"
    assert rules["zone_coverage"].status == "needs_review"
    assert rules["zone_coverage"].measured == pytest.approx(600)
    assert result.verdict == "needs_review"


@pytest.mark.parametrize(
    ("kind", "footprint", "status"),
    [
        ("HERITAGE", GOOD.footprint, "needs_review"),
        ("NO_BUILD", box(3, 5, 10, 10), "pass"),
        ("NO_BUILD", GOOD.footprint, "fail"),
        ("NO_BUILD", None, "needs_review"),
        ("FLOOD", GOOD.footprint, "needs_review"),
    ],
)
def test_overlays(kind, footprint, status):
    application = Application("residential", footprint=footprint)
    overlay = box(20, 20, 40, 60)
    result = check_application(
        PARCEL, ZONE_A, [ROAD], application, make_rule_set(), [(kind, overlay)]
    )
    assert by_rule(result)[f"overlay:{kind}"].status == status
    if kind == "NO_BUILD":
        assert result.envelope.intersection(overlay).area == pytest.approx(0)


def test_overlay_sliver_ignored():
    result = check_application(
        PARCEL, ZONE_A, [ROAD], GOOD, make_rule_set(), [("NO_BUILD", box(29.99, 0, 40, 40))]
    )
    assert "overlay:NO_BUILD" not in by_rule(result)


@pytest.mark.parametrize(
    ("parcel", "message"),
    [
        (Polygon(), "parcel is empty"),
        (Polygon([(0, 0), (2, 2), (2, 0), (0, 2)]), r"parcel is invalid \(Self-intersection"),
        (box(0, 0, 1, 1).boundary, "parcel must be a Polygon, got a LineString"),
    ],
)
def test_bad_parcel_rejected(parcel, message):
    with pytest.raises(CheckInputError, match=message):
        check_application(parcel, ZONE_A, [ROAD], GOOD, make_rule_set())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"floors": -1}, "floors must be a finite number >= 0"),
        ({"gfa_m2": float("nan")}, "gfa_m2 must be a finite number"),
        ({"gfa_m2": 100, "basement_m2": 200}, "basement_m2 .* cannot exceed it"),
        ({"use": "  "}, "use must name a use"),
    ],
)
def test_bad_application_rejected(kwargs, message):
    with pytest.raises(CheckInputError, match=message):
        Application(**{"use": "residential", **kwargs})


def test_verdict_of():
    assert verdict_of([]) == "eligible"


def test_shipped_bahrain_example_checks():
    rule_set = load_rule_set(EXAMPLES_DIR / "bahrain-edict-28-2009.yaml")
    application = Application(
        "commercial",
        floors=5,
        height_m=23.5,
        gfa_m2=5000,
        basement_m2=500,
        footprint=box(0, 0, 30, 40),
    )
    result = check_application(PARCEL, [("CONNECTED", PARCEL)], [ROAD], application, rule_set)
    assert result.verdict == "eligible", [(r.rule, r.status) for r in result.rules]
    assert same_shape(result.envelope, PARCEL)


@st.composite
def plots_with_setbacks(draw):
    width = draw(st.floats(min_value=8, max_value=60))
    depth = draw(st.floats(min_value=8, max_value=60))
    skew = draw(st.floats(min_value=-10, max_value=10))
    parcel = Polygon([(0, 0), (width, 0), (width + skew, depth), (skew, depth)])
    setbacks = {key: draw(st.floats(min_value=0, max_value=8)) for key in ("front", "side", "rear")}
    shrink = draw(st.floats(min_value=0, max_value=2))
    return parcel, setbacks, shrink


@settings(max_examples=150, deadline=None)
@given(plots_with_setbacks())
def test_footprint_inside_envelope_never_fails_setbacks(case):
    parcel, setbacks, shrink = case
    rule_set = make_rule_set(
        setbacks_m=setbacks, max_coverage=None, min_plot_area_m2=None, min_frontage_m=None
    )
    probe = check_application(parcel, ZONE_A, [ROAD], Application("residential"), rule_set)
    if probe.envelope.is_empty:
        return
    largest = max(probe.envelope.geoms, key=lambda part: part.area)
    footprint = largest.buffer(-shrink)
    if footprint.is_empty or not isinstance(footprint, Polygon) or not footprint.is_valid:
        footprint = largest  # a subnormal shrink left a ring folded on itself: no footprint
    result = check_application(
        parcel, ZONE_A, [ROAD], Application("residential", footprint=footprint), rule_set
    )
    statuses = {rule.rule: rule.status for rule in result.rules}
    for name in ("setback_front", "setback_side", "setback_rear", "footprint_in_plot"):
        assert statuses.get(name, "pass") != "fail", (name, result.to_json()["rules"])


def test_a_plot_corner_at_a_subnormal_coordinate_is_checked_like_zero():
    # Drawn by the property test above: x = -5e-324 hung GEOS's simplify in the edge typing.
    parcel = Polygon([(0, 0), (28.0, 0), (28.0, 25.0), (-5e-324, 25.0)])
    rule_set = make_rule_set(
        setbacks_m={"front": 3.0, "side": 1.5, "rear": 2.0},
        max_coverage=None, min_plot_area_m2=None, min_frontage_m=None,
    )  # fmt: skip
    result = check_application(parcel, ZONE_A, [ROAD], Application("residential"), rule_set)
    assert result.envelope.is_valid and abs(result.envelope.area - 25.0 * 20.0) < 1e-6
