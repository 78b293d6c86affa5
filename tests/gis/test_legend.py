import json

import pytest

from gis.errors import LegendError
from gis.legend import PixelBox, parse_legend, read_legend

FULL = {
    "zones": [
        {
            "code": "RES_A",
            "color": "#f2d98a",
            "name": {"ar": "سكني أ", "en": "Residential A"},
            "label": "R1",
        },
        {"code": "COM", "colors": ["#e06060", [200, 80, 80]], "fill": True},
        {"code": "PARK", "samples": [[10, 20, 30, 40]]},
        {"code": "OUT", "fill": False},
    ]
}


def test_parse_legend_reads_every_key():
    legend = parse_legend(FULL)
    res, com, park, out = legend.entries
    assert legend.codes == ("RES_A", "COM", "PARK", "OUT")
    assert (res.colors, res.label, res.name_ar, res.name_en) == (
        ((242, 217, 138),),
        "R1",
        "سكني أ",
        "Residential A",
    )
    assert com.colors == ((224, 96, 96), (200, 80, 80)) and com.label == "COM"
    assert park.samples == (PixelBox(10, 20, 30, 40),) and park.colors == ()
    assert out.fill is False and out.colors == ()


def test_read_legend_from_file(tmp_path):
    path = tmp_path / "legend.json"
    path.write_text(json.dumps(FULL), encoding="utf-8")
    assert read_legend(path).codes[0] == "RES_A"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ([], 'expected an object with a "zones" list'),
        ({"zones": []}, '"zones" must be a non-empty list'),
        ({"zones": ["RES_A"]}, r"zones\[0\]: expected an object"),
        ({"zones": [{"color": "#fff"}]}, r"zones\[0\]\.code: expected a non-empty string"),
        ({"zones": [{"code": "A", "color": "red"}]}, r"zones\[0\]\.color: expected a colour"),
        ({"zones": [{"code": "A", "color": [1, 2, 300]}]}, r"zones\[0\]\.color"),
        ({"zones": [{"code": "A", "colors": "#fff"}]}, r"zones\[0\]\.colors: expected a list"),
        ({"zones": [{"code": "A", "colors": ["#fff", "#ggg"]}]}, r"zones\[0\]\.colors\[1\]"),
        ({"zones": [{"code": "A"}]}, r'zones\[0\]: a filled zone needs "color", "colors"'),
        (
            {"zones": [{"code": "A", "samples": [[5, 5, 1, 9]]}]},
            r"zones\[0\]\.samples\[0\]: expected 0 <= x0",
        ),
        (
            {"zones": [{"code": "A", "samples": [[1, 2, 3]]}]},
            r"zones\[0\]\.samples\[0\]: expected \[x0",
        ),
        ({"zones": [{"code": "A", "color": "#fff", "fill": "yes"}]}, r"zones\[0\]\.fill"),
        ({"zones": [{"code": "A", "color": "#fff", "label": 3}]}, r"zones\[0\]\.label"),
        ({"zones": [{"code": "A", "color": "#fff", "name": "x"}]}, r"zones\[0\]\.name: expected"),
        ({"zones": [{"code": "A", "color": "#fff", "name": {"ar": 1}}]}, r"zones\[0\]\.name\.ar"),
        (
            {"zones": [{"code": "A", "color": "#fff"}, {"code": "A", "color": "#000"}]},
            r"zones\[1\]\.code: 'A' repeats zones\[0\]",
        ),
        ({"zones": [{"code": "'; DROP TABLE zone; --", "color": "<script>"}]}, r"got '<script>'"),
    ],
)
def test_parse_legend_rejects_bad_entries(data, match):
    with pytest.raises(LegendError, match=match):
        parse_legend(data)


def test_read_legend_names_the_file(tmp_path):
    path = tmp_path / "legend.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(LegendError, match=r"cannot read legend .*legend\.json"):
        read_legend(path)
    path.write_text('{"zones": [{"code": "A"}]}', encoding="utf-8")
    with pytest.raises(LegendError, match=r"legend .*legend.json: zones\[0\]"):
        read_legend(path)
