import pytest
from shapely import box
from shapely.geometry import Polygon

from plans.check_records import Application
from plans.edges import type_edges
from plans.envelope import buildable_envelope
from plans.rules.annexes import BasementRule, RoofAnnexRule
from plans.rules.base import CheckFacts, Rule
from plans.rules.height import MaxFloors, MaxHeight
from plans.rules.intensity import MaxCoverage, MaxFar
from plans.rules.plot import MinFrontage, MinPlotArea, check_footprint_in_plot
from plans.rules.schema import StreetWidthSetback
from plans.rules.setbacks import SetbackRule
from plans.rules.uses import UseRule
from tests.plans.rules.helpers import make_rule_set

PARCEL = box(0, 0, 30, 40)  # 1,200 m²; the road (12 m wide) lies along y = 0
ROAD = box(-50, -12, 80, 0)
EDGES = type_edges(PARCEL, [ROAD])


def facts(
    application: Application, *, area: float = 1200.0, frontage: float | None = 30.0, edges=EDGES
) -> CheckFacts:
    return CheckFacts(
        zone_code="RES_A",
        zone=make_rule_set().zones["RES_A"],
        application=application,
        parcel_area_m2=area,
        plot_area_m2=area,
        edges=edges,
        frontage_m=frontage,
        footprint=application.footprint,
        gfa_m2=application.gfa_m2,
        basement_m2=application.basement_m2,
    )


def app(**kwargs) -> Application:
    return Application(kwargs.pop("use", "residential"), **kwargs)


@pytest.mark.parametrize(
    ("rule", "application", "area", "status", "measured"),
    [
        (MinPlotArea(limit=1200), app(), 1200.0, "pass", 1200.0),
        (MinPlotArea(limit=1200), app(), 1199.9, "fail", 1199.9),
        (MinPlotArea(limit=1200), app(), 1200.1, "pass", 1200.1),
        (MaxCoverage(limit=0.5), app(footprint=box(5, 5, 25, 35)), 1200.0, "pass", 0.5),
        (MaxCoverage(limit=0.5), app(footprint=box(5, 5, 25, 35.1)), 1200.0, "fail", 0.5017),
        (MaxCoverage(limit=0.5), app(footprint=box(5, 5, 25, 34.9)), 1200.0, "pass", 0.4983),
        (MaxCoverage(limit=0.5), app(), 1200.0, "not_applicable", None),
        (MaxFar(limit=1.5), app(gfa_m2=1800), 1200.0, "pass", 1.5),
        (MaxFar(limit=1.5), app(gfa_m2=1801), 1200.0, "fail", 1.5008),
        (MaxFar(limit=1.5), app(gfa_m2=1799), 1200.0, "pass", 1.4992),
        (MaxFar(limit=1.5), app(), 1200.0, "not_applicable", None),
        (
            MaxFar(limit=1.5, basement_counted=False),
            app(gfa_m2=2000, basement_m2=200),
            1200.0,
            "pass",
            1.5,
        ),
        (
            MaxFar(limit=1.5, basement_counted=True),
            app(gfa_m2=2000, basement_m2=200),
            1200.0,
            "fail",
            1.6667,
        ),
        (MaxFloors(limit=4), app(floors=4), 1200.0, "pass", 4),
        (MaxFloors(limit=4), app(floors=5), 1200.0, "fail", 5),
        (MaxFloors(limit=4), app(floors=3), 1200.0, "pass", 3),
        (MaxFloors(limit=4), app(), 1200.0, "not_applicable", None),
        (MaxHeight(limit=15), app(height_m=15), 1200.0, "pass", 15),
        (MaxHeight(limit=15), app(height_m=15.01), 1200.0, "fail", 15.01),
        (MaxHeight(limit=15), app(height_m=14.99), 1200.0, "pass", 14.99),
        (
            MaxHeight(limit=22, with_basement=23.5),
            app(height_m=23.5, gfa_m2=900, basement_m2=100),
            1200.0,
            "pass",
            23.5,
        ),
        (MaxHeight(limit=22, with_basement=23.5), app(height_m=23.5), 1200.0, "fail", 23.5),
        (
            RoofAnnexRule(max_share_of_roof=0.3),
            app(footprint=box(0, 0, 20, 10), roof_annex_m2=60),
            1200.0,
            "pass",
            60,
        ),
        (
            RoofAnnexRule(max_share_of_roof=0.3),
            app(footprint=box(0, 0, 20, 10), roof_annex_m2=60.5),
            1200.0,
            "fail",
            60.5,
        ),
        (
            RoofAnnexRule(max_share_of_roof=0.3, small_roof_below_m2=100, small_roof_max_m2=30),
            app(footprint=box(0, 0, 9, 10), roof_annex_m2=30),
            1200.0,
            "pass",
            30,
        ),
        (
            RoofAnnexRule(max_share_of_roof=0.3, small_roof_below_m2=100, small_roof_max_m2=30),
            app(footprint=box(0, 0, 9, 10), roof_annex_m2=31),
            1200.0,
            "fail",
            31,
        ),
        (
            RoofAnnexRule(max_share_of_roof=0.3),
            app(footprint=box(0, 0, 9, 10)),
            1200.0,
            "not_applicable",
            None,
        ),
        (BasementRule(allowed=True), app(gfa_m2=500, basement_m2=100), 1200.0, "pass", 100),
        (BasementRule(allowed=False), app(gfa_m2=500, basement_m2=100), 1200.0, "fail", 100),
        (BasementRule(allowed=False), app(), 1200.0, "not_applicable", None),
    ],
)
def test_limit_rules(rule: Rule, application, area, status, measured):
    result = rule(facts(application, area=area))
    assert result.status == status
    assert result.measured == (pytest.approx(measured) if measured is not None else None)
    assert result.explanation.ar and result.explanation.en
    assert "RES_A" in result.explanation.en


@pytest.mark.parametrize(
    ("frontage", "status"),
    [(20.0, "pass"), (19.99, "fail"), (20.01, "pass"), (None, "needs_review")],
)
def test_min_frontage(frontage, status):
    assert MinFrontage(limit=20)(facts(app(), frontage=frontage)).status == status


@pytest.mark.parametrize(
    ("use", "status"),
    [
        ("residential", "pass"),
        ("Residential ", "pass"),
        ("clinic", "needs_review"),
        ("industrial", "fail"),
        ("casino", "needs_review"),
    ],
)
def test_use_rule(use, status):
    rule = UseRule(permitted=("residential",), conditional=("clinic",), prohibited=("industrial",))
    result = rule(facts(app(use=use)))
    assert result.status == status
    assert result.measured == use.strip()


# Footprints in the 30x40 plot: front (y=0) needs 5 m, sides 3 m, rear (y=40) 6 m.
@pytest.mark.parametrize(
    ("kind", "footprint", "status", "measured"),
    [
        ("front", box(3, 5, 27, 34), "pass", 5.0),
        ("front", box(3, 4.9, 27, 34), "fail", 4.9),
        ("front", box(3, 4.995, 27, 34), "pass", 4.995),  # within the 1 cm tolerance
        ("front", box(3, 5.1, 27, 34), "pass", 5.1),
        ("side", box(3, 5, 27, 34), "pass", 3.0),
        ("side", box(2.9, 5, 27, 34), "fail", 2.9),
        ("side", box(5, 5, 27.2, 34), "fail", 2.8),
        ("rear", box(3, 5, 27, 34), "pass", 6.0),
        ("rear", box(3, 5, 27, 34.1), "fail", 5.9),
        ("rear", box(3, 5, 27, 33.9), "pass", 6.1),
    ],
)
def test_setback_rule(kind, footprint, status, measured):
    limits = {"front": 5.0, "side": 3.0, "rear": 6.0}
    result = SetbackRule(kind=kind, spec=limits[kind])(facts(app(footprint=footprint)))
    assert result.rule == f"setback_{kind}"
    assert result.status == status
    assert result.measured == pytest.approx(measured)
    assert result.limit == limits[kind]


@pytest.mark.parametrize(("y0", "status"), [(2.4, "pass"), (2.3, "fail")])
def test_setback_from_street_width(y0, status):
    # 12 m street x 0.2 = 2.4 m
    rule = SetbackRule(kind="front", spec=StreetWidthSetback(street_width_ratio=0.2, min=1, max=6))
    result = rule(facts(app(footprint=box(3, y0, 27, 30))))
    assert result.status == status
    assert result.limit == pytest.approx(2.4)


def test_setback_without_footprint_not_applicable():
    result = SetbackRule(kind="front", spec=5.0)(facts(app()))
    assert result.status == "not_applicable"


def test_setback_without_road_needs_review():
    edges = type_edges(PARCEL, [])
    result = SetbackRule(kind="front", spec=5.0)(
        facts(app(footprint=box(10, 10, 20, 20)), edges=edges)
    )
    assert result.status == "needs_review"
    assert "road" in result.explanation.en
    assert "شارع" in result.explanation.ar


@pytest.mark.parametrize(
    ("footprint", "status"),
    [
        (box(0, 0, 30, 40), "pass"),
        (box(0, 0, 30.0002, 40), "pass"),
        (box(0, 0, 31, 40), "fail"),
        (box(100, 100, 110, 110), "fail"),
        (None, "not_applicable"),
    ],
)
def test_footprint_in_plot(footprint, status):
    assert check_footprint_in_plot(PARCEL, footprint).status == status


def test_a_footprint_on_its_plots_edge_is_inside_whatever_the_floating_overlay_says():
    triangle = Polygon([(19, -48), (0, 0), (20, 12)])
    edges = type_edges(triangle, [])
    parcel = buildable_envelope(triangle, edges, [0, 1, 1]).geoms[0]
    footprint = buildable_envelope(triangle, edges, [0, 2, 1])  # inside, sharing an edge
    # GEOS 3.14.1's floating overlay put the whole footprint outside: 499.8 m2
    result = check_footprint_in_plot(parcel, footprint)
    assert result.status == "pass" and result.measured == 0.0
