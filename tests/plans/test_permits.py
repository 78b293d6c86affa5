import datetime as dt

import pytest
from shapely import box
from shapely.geometry import MultiPolygon, Point
from sqlalchemy import select

from gis.crs import reproject
from plans import permits
from plans.demo import demo_rule_set, load_sample
from plans.errors import CheckInputError, ConflictError, NotFoundError
from plans.permits import PermitRequest, check_permit, result_digest
from plans.rulesets import load_rules, store_rule_set
from plans.sample import build_sample_town
from plans.storage.models import PermitCheck
from plans.storage.permit_checks import find_check
from plans.storage.rule_sets import rule_sets_in_force

PLOT = build_sample_town().parcels.set_index("number").geometry["101-01"]


def _footprint(inset_m: float) -> MultiPolygon:
    minx, miny, maxx, maxy = PLOT.bounds
    return MultiPolygon([box(minx + inset_m, miny + inset_m, maxx - inset_m, maxy - inset_m)])


@pytest.fixture
def town(session, storage_crs, tmp_path):
    load_sample(session, tmp_path, storage_crs=storage_crs)


def _check(session, storage_crs, **fields):
    request = PermitRequest(**{"municipality": "JED-DEMO", "use": "residential", **fields})
    return check_permit(session, request, storage_crs=storage_crs)


def _status(answer, rule):
    return next(r["status"] for r in answer["rules"] if r["rule"] == rule)


def test_small_villa_is_eligible_and_recorded(session, storage_crs, town):
    answer = _check(session, storage_crs, parcel_number="101-01", footprint=_footprint(4.0))
    assert answer["verdict"] == "eligible"
    assert _status(answer, "max_coverage") == "pass"
    assert answer["rule_set"] == {"identifier": "jed-demo-villas", "version": "2024-07"}
    stored = session.scalar(select(PermitCheck).where(PermitCheck.reference == answer["reference"]))
    assert stored.verdict == "eligible"
    assert stored.result["zones"][0]["zone_code"] == "RES_A"


def test_coverage_over_limit_not_eligible(session, storage_crs, town):
    answer = _check(session, storage_crs, parcel_number="101-01", footprint=_footprint(0.5))
    coverage = next(r for r in answer["rules"] if r["rule"] == "max_coverage")
    assert answer["verdict"] == "not_eligible"
    assert coverage["status"] == "fail"
    assert coverage["measured"] == pytest.approx(29 * 39 / 1200, abs=0.01)
    assert coverage["limit"] == 0.75


def test_prohibited_or_unlisted_use_needs_review(session, storage_crs, town):
    answer = _check(session, storage_crs, parcel_number="101-01", use="industrial")
    assert answer["verdict"] == "needs_review"


def test_zone_without_rules_needs_review(session, storage_crs, town):
    commercial = build_sample_town().parcels.set_index("number").geometry.index
    number = next(n for n in commercial if n.startswith("111-"))  # a block on the main road
    answer = _check(session, storage_crs, parcel_number=number)
    assert answer["verdict"] == "needs_review"


def test_drawn_parcel_in_lon_lat(session, storage_crs, town):
    drawn = MultiPolygon([reproject(PLOT, storage_crs, 4326)])
    answer = _check(session, storage_crs, parcel_geometry=reproject(drawn, 4326, storage_crs))
    assert answer["parcel"] is None
    assert answer["zones"][0]["share"] == pytest.approx(1.0, abs=1e-6)


def test_envelope_is_lon_lat(session, storage_crs, town):
    answer = _check(session, storage_crs, parcel_number="101-01")
    lon, lat = answer["envelope"]["coordinates"][0][0][0]
    assert 39 < lon < 39.3 and 21.4 < lat < 21.7


def test_before_the_plan_no_answer(session, storage_crs, town):
    with pytest.raises(NotFoundError, match="no plan of JED-DEMO is in force"):
        _check(session, storage_crs, parcel_number="101-01", date=dt.date(2023, 1, 1))


def test_before_the_rules_no_answer(session, storage_crs, town):
    with pytest.raises(NotFoundError, match="no rule set of JED-DEMO is in force on 2024-03-01"):
        _check(session, storage_crs, parcel_number="101-01", date=dt.date(2024, 3, 1))


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"parcel_number": "999-99"}, NotFoundError, "no parcel '999-99'"),
        ({}, CheckInputError, "give exactly one of: a parcel number, a parcel geometry, a point"),
        (
            {"parcel_number": "101-01", "parcel_geometry": MultiPolygon([PLOT])},
            CheckInputError,
            "exactly one of",
        ),
        (
            {"parcel_number": "101-01", "gfa_m2": -5.0},
            CheckInputError,
            "gfa_m2 must be a finite number",
        ),
        (
            {"parcel_number": "101-01", "municipality": "NOPE"},
            NotFoundError,
            "no municipality 'NOPE'",
        ),
    ],
)
def test_bad_applications_named(session, storage_crs, town, fields, error, message):
    with pytest.raises(error, match=message):
        _check(session, storage_crs, **fields)


def test_rule_set_versions_coexist_and_conflicts_refused(session, town, tmp_path):
    same = store_rule_set(session, demo_rule_set())
    assert not same.added
    newer = demo_rule_set().model_copy(
        update={"version": "2026-01", "effective_from": dt.date(2026, 1, 1)}
    )
    assert store_rule_set(session, newer).added
    [(_, chosen), _older] = rule_sets_in_force(session, "JED-DEMO", dt.date(2026, 6, 1))
    assert chosen.version == "2026-01"
    changed = demo_rule_set().model_copy(update={"source": "another text"})
    with pytest.raises(
        ConflictError, match="stored with other content; give the file a new version"
    ):
        store_rule_set(session, changed)


def test_rules_load_from_file(session, tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rule_set: t\nmunicipality: TST\nversion: '1'\neffective_from: 2025-01-01\n"
        "source: test\nzones:\n  R: {name: {ar: سكني, en: Residential}, max_floors: 3}\n"
    )
    loaded = load_rules(session, path)
    assert (loaded.municipality, loaded.zones, loaded.added) == ("TST", ("R",), True)


def test_point_on_a_parcel_finds_it(session, storage_crs, town):
    answer = _check(session, storage_crs, point=PLOT.centroid)
    assert answer["parcel"] == "101-01"


def test_point_off_every_parcel_named(session, storage_crs, town):
    street = Point(PLOT.centroid.x, PLOT.bounds[1] - 10)  # in the street south of the block
    with pytest.raises(NotFoundError, match="no parcel of 'JED-DEMO' at that point"):
        _check(session, storage_crs, point=street)


def test_what_may_i_build_limits(session, storage_crs, town):
    limits = _check(session, storage_crs, parcel_number="101-01")["limits"]
    assert limits["plot_area_m2"] == pytest.approx(1200)
    assert limits["max_footprint_m2"] == pytest.approx(0.75 * 1200)
    assert limits["permitted_uses"] == ["residential"]
    assert limits["max_floors"] is None  # MOMRAH figures for floors are not confirmed


def test_result_digest_covers_the_answer(session, storage_crs, town):
    answer = _check(session, storage_crs, parcel_number="101-01")
    assert answer["result_sha256"] == result_digest(answer)
    tampered = {
        **answer,
        "verdict": "eligible" if answer["verdict"] != "eligible" else "not_eligible",
    }
    assert result_digest(tampered) != answer["result_sha256"]


def test_a_reference_drawn_twice_is_replaced_and_both_checks_are_kept(
    session, storage_crs, town, monkeypatch
):
    first = _check(session, storage_crs, parcel_number="101-01")
    draws = iter([first["reference"], "PC-20300101-0000ABCD"])
    monkeypatch.setattr(permits, "new_reference", lambda _on: next(draws))
    second = _check(session, storage_crs, parcel_number="101-01")
    assert second["reference"] == "PC-20300101-0000ABCD"
    assert second["result_sha256"] == result_digest(second)
    assert find_check(session, first["reference"]).result == first
    assert find_check(session, second["reference"]).result == second
