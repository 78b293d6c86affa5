import re

from plans.symbology import KNOWN_STYLES, legend, style_for
from tiles.style import maplibre_style

HEX = re.compile(r"^#[0-9a-f]{6}$")


def test_known_codes_keep_their_colours():
    assert style_for("RES_A").fill == KNOWN_STYLES["RES_A"].fill
    assert style_for("ROAD").name_ar == "طريق"


def test_unknown_code_gets_stable_valid_colour():
    first, again = style_for("Business 2"), style_for("Business 2")
    assert first == again
    assert HEX.match(first.fill) and HEX.match(first.outline)
    assert style_for("Business 1").fill != first.fill


def test_legend_lists_each_code_once_sorted():
    assert [s.code for s in legend(["ROAD", "COM", "ROAD", "AAA"])] == ["AAA", "COM", "ROAD"]


def test_style_colours_every_code_from_symbology():
    style = maplibre_style(["COM", "X1"], tiles_base="http://h/tiles")
    fill = next(layer for layer in style["layers"] if layer["id"] == "zones-fill")["paint"][
        "fill-color"
    ]
    assert fill[2:6] == ["COM", style_for("COM").fill, "X1", style_for("X1").fill]
    assert style["sources"]["zones"]["url"] == "http://h/tiles/zones.json"


def test_style_without_zones_still_valid():
    style = maplibre_style([], tiles_base="http://h/tiles")
    fill = next(layer for layer in style["layers"] if layer["id"] == "zones-fill")["paint"][
        "fill-color"
    ]
    assert HEX.match(fill)
