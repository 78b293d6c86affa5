import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from plans.errors import PlanError, RuleFileError
from plans.rules import load_rule_set, parse_rule_set
from plans.rules.examples import example_files
from plans.rules.schema import StreetWidthSetback
from tests.plans.rules.helpers import rule_set_data


def write(tmp_path: Path, data: object, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def with_zone_key(key: str, value: object) -> dict:
    data = copy.deepcopy(rule_set_data())
    data["zones"]["RES_A"][key] = value
    return data


def test_load_valid_file(tmp_path):
    rule_set = load_rule_set(write(tmp_path, rule_set_data()))
    assert rule_set.rule_set == "test-rules"
    assert rule_set.effective_from == dt.date(2024, 1, 1)
    zone = rule_set.zones["RES_A"]
    assert zone.max_coverage == 0.39
    assert zone.setbacks_m.front == 5
    assert zone.uses.permitted == ("residential",)
    assert rule_set.overlays["NO_BUILD"].effect == "fail"


def test_load_street_width_setback(tmp_path):
    data = with_zone_key("setbacks_m", {"front": {"street_width_ratio": 0.2, "min": 2, "max": 6}})
    front = load_rule_set(write(tmp_path, data)).zones["RES_A"].setbacks_m.front
    assert isinstance(front, StreetWidthSetback)
    assert [front.resolve(width) for width in (5, 20, 40)] == [2, 4, 6]


def test_rule_set_is_frozen(tmp_path):
    rule_set = load_rule_set(write(tmp_path, rule_set_data()))
    with pytest.raises(ValueError, match="frozen"):
        rule_set.version = "2"  # type: ignore[misc]


def test_in_force_on():
    rule_set = parse_rule_set(
        yaml.safe_dump(rule_set_data(effective_from="2024-01-01", effective_to="2025-01-01"))
    )
    assert rule_set.in_force_on(dt.date(2024, 6, 1))
    assert not rule_set.in_force_on(dt.date(2025, 1, 1))
    assert not rule_set.in_force_on(dt.date(2023, 12, 31))


BAD_FILES = [
    (
        with_zone_key("setbacks_m", {"front": {"street_width_ratio": 0.2, "min": -2}}),
        r"zones\.RES_A\.setbacks_m\.front\.min: must be >= 0",
    ),
    (
        with_zone_key("setbacks_m", {"front": {"street_width_ratio": 0.2, "min": 7, "max": 6}}),
        r"zones\.RES_A\.setbacks_m\.front: min \(7\) must not exceed max \(6\)",
    ),
    (
        with_zone_key("setbacks_m", {"side": [3]}),
        r"zones\.RES_A\.setbacks_m\.side: must be a number of metres or \{street_width_ratio",
    ),
    (with_zone_key("setbacks_m", {"side": -1}), r"zones\.RES_A\.setbacks_m\.side: must be >= 0"),
    (
        with_zone_key("setbacks_m", {"sides": 3}),
        r"zones\.RES_A\.setbacks_m\.sides: unknown key; allowed here: front, side, rear",
    ),
    (with_zone_key("max_coverage", 1.2), r"zones\.RES_A\.max_coverage: must be <= 1, got 1\.2"),
    (with_zone_key("max_far", -0.5), r"zones\.RES_A\.max_far: must be >= 0"),
    (
        with_zone_key("max_floors", 4.5),
        r"zones\.RES_A\.max_floors: input should be a valid integer",
    ),
    (
        with_zone_key("max_height_m", "15"),
        r"zones\.RES_A\.max_height_m: input should be a valid number, got '15'",
    ),
    (
        with_zone_key("max_hieght_m", 15),
        r"zones\.RES_A\.max_hieght_m: unknown key; allowed here: name, ",
    ),
    (
        with_zone_key("uses", {"permitted": ["shop"], "prohibited": ["Shop"]}),
        r"zones\.RES_A\.uses: use 'Shop' is listed in both permitted and prohibited",
    ),
    (with_zone_key("name", {"ar": "سكن"}), r"zones\.RES_A\.name\.en: required key is missing"),
    (
        with_zone_key("roof_annex", {"max_share_of_roof": 0.3, "small_roof_below_m2": 100}),
        r"zones\.RES_A\.roof_annex: small_roof_below_m2 and small_roof_max_m2 go together",
    ),
    (
        rule_set_data(effective_to="2023-12-31"),
        r"effective_to: must be after effective_from \(2024-01-01\)",
    ),
    (rule_set_data(effective_to="2024-01-01"), r"effective_to: must be after effective_from"),
    (rule_set_data(effective_from="soon"), r"effective_from: input should be a valid date"),
    (
        rule_set_data(policy={"split_zone": "loose"}),
        r"policy\.split_zone: input should be 'strictest', 'per_part' or 'needs_review'",
    ),
    (
        rule_set_data(policy={"sliver_tolerance": {"share": 1.5}}),
        r"policy\.sliver_tolerance\.share: must be <= 1",
    ),
    (
        rule_set_data(overlays={"FLOOD": {"effect": "warn"}}),
        r"overlays\.FLOOD\.effect: input should be",
    ),
    (
        rule_set_data(zones={}),
        r"zones: list should have at least 1 item|zones: dictionary should have at least 1 item",
    ),
    (rule_set_data(version=2024.1), r"version: input should be a valid string, got 2024\.1"),
    (rule_set_data(extra_key=1), r"extra_key: unknown key; allowed here: rule_set, municipality"),
    (
        rule_set_data(zones={"RES A": {"name": {"ar": "س", "en": "R"}}}),
        r"zones\.RES A\.\[key\]|zones\.RES A",
    ),
    ({"rule_set": "x"}, r"5 problems in the rule file\n  municipality: required key is missing"),
    (["a", "list"], r"the top level must be a mapping of keys, got list"),
]


@pytest.mark.parametrize(("data", "message"), BAD_FILES)
def test_bad_file_rejected_with_key_path(tmp_path, data, message):
    path = write(tmp_path, data, name="bad-rules.yaml")
    with pytest.raises(RuleFileError, match=message) as info:
        load_rule_set(path)
    assert "bad-rules.yaml" in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rule_set: [unclosed", r"not valid YAML: .*line 1"),
        (
            "zones:\n  A: 1\n  A: 2\n",
            r"not valid YAML: key 'A' appears twice in the same mapping \(line 3",
        ),
        ("", r"the top level must be a mapping of keys, got an empty file"),
        ("!!python/object:os.system {}", r"not valid YAML"),
        ('rule_set: "x\'; DROP TABLE rule_set; --"\n', r"municipality: required key is missing"),
    ],
)
def test_malformed_yaml_rejected(text, message):
    with pytest.raises(RuleFileError, match=message):
        parse_rule_set(text, source_name="odd.yaml")


def test_missing_file_rejected(tmp_path):
    with pytest.raises(RuleFileError, match=r"nope\.yaml: cannot read the rule file"):
        load_rule_set(tmp_path / "nope.yaml")


def test_rule_file_error_is_plan_and_value_error():
    assert issubclass(RuleFileError, PlanError)
    assert issubclass(RuleFileError, ValueError)


def test_many_problems_are_capped():
    zone = {f"k{i}": 1 for i in range(15)} | {"name": {"ar": "س", "en": "R"}}
    with pytest.raises(RuleFileError, match=r"(?s)15 problems.*\.\.\. and 5 more"):
        parse_rule_set(yaml.safe_dump(rule_set_data(zones={"Z": zone})))


def test_examples_exist():
    assert len(example_files()) >= 2


@pytest.mark.parametrize("path", example_files(), ids=lambda path: path.name)
def test_every_example_loads(path):
    rule_set = load_rule_set(path)
    assert rule_set.zones
    assert "http" in rule_set.source
