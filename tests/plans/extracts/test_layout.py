import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.extracts import ExtractInputError, ExtractOptions
from plans.extracts.layout import frame_boxes, page_layout, paper_size_mm
from plans.extracts.options import parse_lang, parse_paper, parse_scale

PAGES = [(p, o) for p in ("a4", "a3") for o in ("portrait", "landscape")]


@pytest.mark.parametrize(("paper", "orientation"), PAGES)
def test_boxes_inside_page_and_disjoint(paper, orientation):
    width, height = paper_size_mm(paper, orientation)
    title, map_box, panel, footer, _ = frame_boxes(paper, orientation)
    for b in (title, map_box, panel, footer):
        assert 0 <= b.x and b.x + b.w <= width and 0 <= b.y and b.y + b.h <= height
        assert b.w > 0 and b.h > 0
    assert map_box.y >= panel.y + panel.h or map_box.x + map_box.w <= panel.x
    assert title.y >= map_box.y + map_box.h
    assert map_box.y >= footer.y + footer.h


@pytest.mark.parametrize(("paper", "orientation"), PAGES)
@pytest.mark.parametrize("scale", [500, 1000, 2500, 5000])
def test_extent_is_true_scale_and_centred(paper, orientation, scale):
    focus = (521_000.0, 2_383_000.0, 521_020.0, 2_383_030.0)
    layout = page_layout(
        ExtractOptions(paper=paper, orientation=orientation, scale=scale), focus, context=True
    )
    minx, miny, maxx, maxy = layout.extent
    assert (maxx - minx) * 1000 / scale == pytest.approx(layout.map.w, rel=1e-9)
    assert (maxy - miny) * 1000 / scale == pytest.approx(layout.map.h, rel=1e-9)
    assert ((minx + maxx) / 2, (miny + maxy) / 2) == pytest.approx((521_010.0, 2_383_015.0))


@given(
    width=st.floats(1, 900),
    height=st.floats(1, 900),
    paper=st.sampled_from(["a4", "a3"]),
    orientation=st.sampled_from(["portrait", "landscape"]),
)
def test_auto_picks_largest_scale_with_context(width, height, paper, orientation):
    options = ExtractOptions(paper=paper, orientation=orientation, scale="auto")
    focus = (0.0, 0.0, width, height)
    try:
        layout = page_layout(options, focus, context=True)
    except ExtractInputError:
        map_box = frame_boxes(paper, orientation)[1]
        assert width > 0.6 * map_box.w * 5 or height > 0.6 * map_box.h * 5
        return
    ground_w = layout.extent[2] - layout.extent[0]
    ground_h = layout.extent[3] - layout.extent[1]
    assert width <= 0.6 * ground_w + 1e-9 and height <= 0.6 * ground_h + 1e-9
    if layout.scale > 500:
        finer = {1000: 500, 2500: 1000, 5000: 2500}[layout.scale]
        assert width > 0.6 * ground_w * finer / layout.scale or (
            height > 0.6 * ground_h * finer / layout.scale
        )


def test_auto_sample_parcel_is_1_500():
    layout = page_layout(ExtractOptions(scale="auto"), (0, 0, 30, 40), context=True)
    assert layout.scale == 500


def test_area_not_fitting_scale_names_the_fix():
    with pytest.raises(ExtractInputError, match=r"does not fit .* at 1:500 .*use --scale 1000"):
        page_layout(ExtractOptions(scale=500), (0, 0, 150, 40), context=True)


def test_area_fitting_no_scale_says_so():
    with pytest.raises(ExtractInputError, match=r"even at 1:5000.*--paper a3"):
        page_layout(ExtractOptions(scale="auto"), (0, 0, 5_000, 5_000), context=False)


@pytest.mark.parametrize(
    ("parse", "value", "message"),
    [
        (parse_scale, "750", r"scale must be one of 500, 1000, 2500, 5000 or 'auto'; got '750'"),
        (parse_scale, "1:1000; DROP TABLE extract", "scale must be one of"),
        (parse_paper, "letter", r"paper must be one of 'a4', 'a3'; got 'letter'"),
        (parse_lang, "fr", r"lang must be one of 'ar', 'en', 'ar\+en'; got 'fr'"),
    ],
)
def test_bad_choices_list_allowed_values(parse, value, message):
    with pytest.raises(ExtractInputError, match=message):
        parse(value)


def test_options_refuse_bad_values():
    with pytest.raises(ValueError, match="orientation must be one of"):
        ExtractOptions(orientation="sideways")  # type: ignore[arg-type]
