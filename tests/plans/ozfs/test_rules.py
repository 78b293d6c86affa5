"""Table tests of the OZFS rules, one per reading that a reference engine might take otherwise."""

import pytest
from shapely import box
from shapely.geometry import LineString

from plans.check import check_application
from plans.check_records import Application
from plans.ozfs.buildings import Building, Level, UnitType, parse_building
from plans.ozfs.check import PreparedZoning, check_parcel, plot_of
from plans.ozfs.errors import OzfsFileError
from plans.ozfs.reading import OzfsEdge, OzfsParcel, parse_zoning
from plans.ozfs.units import ACRE_M2, FOOT_M
from tests.plans.rules.helpers import make_rule_set

USES = ["1_family", "2_family", "3_family", "4_family", "Townhome"]
R_M = {
    "dist_name": "Multiple-Family",
    "dist_abbr": "R-M",
    "res_uses": USES,
    "lot_size": [
        {
            "use_name": ["4_family"],
            "min_val": [
                {"conditions": ["total_units <= 3"], "expression": 0.16},
                {
                    "conditions": ["total_units > 3"],
                    "expression": "0.16 + 0.02 * (total_units - 3)",
                },
            ],
        },
        {"use_name": ["1_family", "2_family", "3_family", "Townhome"], "min_val": "0.16"},
    ],
    "setback_front": [{"use_name": USES, "min_val": "25"}],
    "setback_side_int": [
        {"use_name": USES, "min_val": [{"select": "max", "expressions": [5, "0.1 * lot_width"]}]}
    ],
    "setback_side_ext": [{"use_name": USES, "min_val": "25"}],
    "setback_rear": [
        {"use_name": USES, "min_val": [{"select": "max", "expressions": [5, "0.1 * lot_width"]}]}
    ],
    "lot_cov_bldg": [{"use_name": USES, "max_val": "60"}],
    "parking_uncovered": [{"use_name": ["3_family", "4_family"], "min_val": "2 * total_units"}],
    "stories": [{"use_name": USES, "max_val": "2"}],
    "height": [{"use_name": ["1_family", "2_family", "3_family", "4_family"], "max_val": "35"}],
}
C_A = {"dist_name": "Commercial", "dist_abbr": "C-A", "res_uses": "none"}
PD = {"dist_name": "Planned Development", "dist_abbr": "PD", "planned_dev": True}
DEFINITIONS = {
    "height": [
        {"roof": "flat", "def": "height"},
        {"roof": "gable", "def": "(height + height_eave) / 2"},
    ]
}
FT = FOOT_M
LOT = box(0, 0, 60 * FT, 150 * FT)  # 60 x 150 ft, front on the south


def zoning(*districts, west=None):
    data = {
        "muni_name": "Test",
        "definitions": DEFINITIONS,
        "features": [{"type": "Feature", "properties": d, "geometry": None} for d in districts],
    }
    document = parse_zoning(data, source="test").document
    geoms = [("R-M", box(-1000, -1000, 1000, 1000) if west is None else west[0])]
    if west is not None:
        geoms.append(west[1])
    return PreparedZoning("test", document, tuple(geoms))


def lot(labels=("front", "exterior side", "rear", "interior side"), polygon=LOT, area_acres=None):
    x0, y0, x1, y1 = polygon.bounds
    lines = [((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))]
    edges = tuple(
        OzfsEdge(label, LineString(line)) for label, line in zip(labels, lines, strict=True)
    )
    acres = area_acres if area_acres is not None else polygon.area / ACRE_M2
    return plot_of(OzfsParcel("P1", polygon, edges, 60.0, 150.0, acres))


def building(units=4, levels=(1, 2), width=30, depth=40, **info):
    return Building(
        name="b",
        width=width,
        depth=depth,
        units=(UnitType(900, 2, units),),
        levels=tuple(Level(n, 1000) for n in levels),
        **({"height": 30.0} | info),
    )


def statuses(check):
    return {r.rule: r.status for r in check.result.rules}


@pytest.mark.parametrize(
    ("levels", "stories", "status"),
    [
        ((1, 2), 2, "pass"),
        ((-1, 1, 2), 2, "pass"),  # a basement is not a storey
        ((-1, 1, 2, 3), 3, "fail"),  # 4_fam_tall: zoneR's highest level number, 3
        ((2, 3, 4), 4, "fail"),  # 12_fam: ground storey unlisted, the building has 4, not 3
    ],
)
def test_stories_are_the_highest_storey_above_grade(levels, stories, status):
    check = check_parcel(lot(), zoning(R_M), building(levels=levels, parking=8))
    rule = next(r for r in check.result.rules if r.rule == "stories")
    assert (rule.measured, rule.status) == (stories, status)


@pytest.mark.parametrize(
    ("info", "feet", "status"),
    [
        ({"height": 38.0}, 38, "fail"),  # stated height is used as is
        ({"height": None, "height_top": 40.0}, 40, "fail"),  # no roof type: the top
        ({"height": None, "height_top": 40.0, "roof_type": "flat"}, 40, "fail"),
        (
            {"height": None, "height_top": 40.0, "height_eave": 28.0, "roof_type": "gable"},
            34,
            "pass",
        ),
    ],
)
def test_height_as_the_definitions_measure_it(info, feet, status):
    check = check_parcel(lot(), zoning(R_M), building(parking=8, **info))
    rule = next(r for r in check.result.rules if r.rule == "height")
    assert rule.measured == pytest.approx(feet * FT, abs=1e-4)
    assert rule.status == status


@pytest.mark.parametrize(
    ("units", "use", "minimum_acres"),
    [(2, "2_family", 0.16), (3, "3_family", 0.16), (4, "4_family", 0.18), (12, "4_family", 0.34)],
)
def test_lot_size_by_unit_count(units, use, minimum_acres):
    check = check_parcel(lot(), zoning(R_M), building(units=units, parking=2 * units))
    rule = next(r for r in check.result.rules if r.rule == "lot_size")
    assert check.result.rules[0].measured == use
    assert rule.limit == pytest.approx(minimum_acres * ACRE_M2, abs=1e-3)


def test_no_rule_for_the_use_is_not_applicable():
    # zoneR answers TRUE where the district sets no limit for the use; we say not_applicable.
    check = check_parcel(lot(), zoning(R_M), building(units=2))
    assert statuses(check)["parking_uncovered"] == "not_applicable"


def test_district_without_residential_uses():
    document = zoning(C_A, R_M).document
    prepared = PreparedZoning("t", document, (("C-A", box(-1000, -1000, 1000, 1000)),))
    check = check_parcel(lot(), prepared, building())
    assert statuses(check) == {"res_uses": "fail"}
    assert check.result.verdict == "not_eligible"


def test_parking_not_stated_needs_review():
    assert (
        statuses(check_parcel(lot(), zoning(R_M), building()))["parking_uncovered"]
        == "needs_review"
    )


@pytest.mark.parametrize(
    ("width", "depth", "status"),
    [
        (28, 40, "pass"),
        (29, 119, "pass"),  # exactly the buildable rectangle
        (40, 29, "pass"),  # turned
        (29.5, 100, "fail"),  # 6 inches too wide
        (29, 119.5, "fail"),  # 6 inches too deep
        (35, 35, "fail"),
    ],
)
def test_setbacks_footprint_fit(width, depth, status):
    # Buildable: x from 6 (interior side, max(5, 0.1 * 60)) to 60 - 25 = 35 ft -> 29 ft wide;
    # y from 25 (front) to 150 - 6 (rear) = 144 ft -> 119 ft deep.
    check = check_parcel(lot(), zoning(R_M), building(width=width, depth=depth, parking=8))
    assert statuses(check)["setbacks"] == status
    if status == "pass":
        assert check.placement is not None
        assert check.placement.footprint.area == pytest.approx(width * depth * FT * FT)


def test_unknown_edges_need_review_between_readings():
    # Strictest reading (every unknown edge 25 ft): 10 x 100 ft; loosest (6 ft): 48 x 138 ft.
    unknown = lot(labels=("unknown",) * 4)
    assert (
        statuses(check_parcel(unknown, zoning(R_M), building(width=9, depth=99, parking=8)))[
            "setbacks"
        ]
        == "pass"
    )
    assert (
        statuses(check_parcel(unknown, zoning(R_M), building(width=40, depth=40, parking=8)))[
            "setbacks"
        ]
        == "needs_review"
    )
    assert (
        statuses(check_parcel(unknown, zoning(R_M), building(width=50, depth=50, parking=8)))[
            "setbacks"
        ]
        == "fail"
    )


def test_split_lot_is_checked_under_the_largest_district_and_flagged():
    west = (box(-1000, -1000, 40 * FT, 1000), ("C-A", box(40 * FT, -1000, 1000, 1000)))
    check = check_parcel(lot(), zoning(R_M, C_A, west=west), building(parking=8))
    assert check.district == "R-M"
    assert statuses(check)["zoning"] == "needs_review"
    assert [z.zone_code for z in check.result.zones] == ["R-M", "C-A"]


def test_planned_development_uses_need_review():
    prepared = PreparedZoning(
        "t", zoning(PD, R_M).document, (("PD", box(-1000, -1000, 1000, 1000)),)
    )
    assert statuses(check_parcel(lot(), prepared, building()))["res_uses"] == "needs_review"


def test_labelled_edges_take_precedence_in_the_yaml_engine():
    # No road at all: inferred typing would give unknown edges; the labels give front/side/rear.
    plot = lot(labels=("front", "interior side", "rear", "interior side"))
    app = Application("residential", footprint=box(3.5, 5.5, 14, 30))
    result = check_application(
        plot.polygon,
        [("RES_A", box(-1000, -1000, 1000, 1000))],
        [],
        app,
        make_rule_set(),
        edges=plot.edges,
    )
    rules = {r.rule: r.status for r in result.rules}
    assert rules["setback_front"] == "pass" and rules["setback_rear"] == "pass"
    inferred = check_application(
        plot.polygon, [("RES_A", box(-1000, -1000, 1000, 1000))], [], app, make_rule_set()
    )
    assert {r.rule: r.status for r in inferred.rules}["setback_front"] == "needs_review"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({}, "no bldg_info"),
        ({"bldg_info": {"width": 1}}, "depth"),
        ({"bldg_info": {"width": 1, "depth": 2}}, "neither height nor height_top"),
        ({"bldg_info": {"width": "wide", "depth": 2, "height": 3}}, "width"),
        ({"bldg_info": {"width": -1, "depth": 2, "height": 3}}, "expected >= 0"),
    ],
)
def test_bad_building_files(data, match):
    with pytest.raises(OzfsFileError, match=match):
        parse_building(data, name="b")


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"height": [{"use_name": USES, "max_val": "__import__('os')"}]}, "height.0.max_val"),
        ({"height": [{"use_name": USES}]}, "give min_val or max_val"),
        ({"far": [{"use_name": USES, "max_val": 1}]}, "far"),
        (
            {
                "stories": [
                    {"use_name": USES, "max_val": [{"select": "either", "expressions": [1]}]}
                ]
            },
            "stories",
        ),
    ],
)
def test_bad_zoning_files_name_the_key(change, match):
    with pytest.raises(OzfsFileError, match=match):
        zoning(R_M | change)
