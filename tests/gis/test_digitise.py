import numpy as np
import pytest
import shapely
from PIL import Image

from gis.digitise import _pattern_extent, digitise
from gis.errors import DigitiseError, GeorefError, LegendError, ScanReadError
from gis.frame import MapFrame
from gis.gcps import GroundControlPoints
from gis.georef import fit_transform
from gis.legend import parse_legend
from gis.synthetic import make_sheet
from tests.gis.sheets import digitised, sheet

# Measured on seed 0 (IoU and polygons for seeds 0-2 in brackets), 600 x 800 px at 0.5 m/px;
# junction RMS is over the interior triple points (gis.scoring.find_junctions), all matched:
#            mean IoU                 boundary F1 @ 1 m        polygons / truth     junction RMS
# printed    0.988 (0.988-0.989)      0.995                    7/7 (exact on all)   0.46 m
# faded      0.988 (0.988-0.989)      0.995                    7/7 (exact on all)   0.48 m
# pencil     0.982 (0.981-0.988)      0.896                    7/7 (exact on all)   0.39 m
# Pencil before thin bands along the lines were treated as texture: 0.972, 0.875, 16/7 (16/11,
# 10/10). Junctions were 3-4 px off on every kind (1.60-1.64 m here) until gis.junctions
# re-placed them where the edges' straight runs meet: the merged ink and the mode filter round
# acute wedges off. Now 0.6-1.1 px on printed and faded, 0.8-1.8 px on pencil (seeds 0-2;
# 0.15-0.39 m at the 1:2500 pixel of 0.2117 m, from 0.61-1.09 m).
FLOORS = {
    "printed": (0.98, 0.97, 1.0, 0.75),
    "faded": (0.98, 0.97, 1.0, 0.75),
    "pencil": (0.97, 0.88, 1.2, 0.75),
}


@pytest.mark.parametrize("kind", ["printed", "faded", "pencil"])
def test_digitise_quality_floor(kind):
    result, score = digitised(kind)
    iou_floor, f1_floor, count_ratio, junction_rms = FLOORS[kind]
    assert score.mean_iou >= iou_floor
    assert score.boundary_f1[1.0] >= f1_floor
    assert 1.0 <= score.polygon_ratio <= count_ratio
    assert score.junctions_true > 0 and score.junctions_matched == score.junctions_true
    assert score.junction_rms <= junction_rms
    assert score.gap_area == 0 and score.overlap_area < 1e-6 and score.valid
    assert score.missing_area < 0.005 * sum(g.area for _, g in sheet(kind).truth)
    assert result.report["coverage"]["valid"] and result.report["coverage"]["gap_m2"] == 0


def test_digitise_report_contents():
    result, _ = digitised("printed")
    report = result.report
    assert report["georef"]["method"] == "affine" and report["georef"]["rms_m"] < 0.01
    assert set(report["classes"]) == set(sheet().legend.codes)
    assert abs(sum(c["share"] for c in report["classes"].values()) - 1) < 1e-9
    assert set(report["timings"]) == {"georef", "classify", "vectorise", "topology"}
    assert 0 < report["confidence"]["mean_by_area"] <= 1
    assert all(0 <= zone.confidence <= 1 for zone in result.zones)
    assert all(isinstance(zone.geometry, shapely.MultiPolygon) for zone in result.zones)


def test_digitise_reads_a_file_with_a_projective_fit(tmp_path):
    s = make_sheet("printed", seed=3, height=300, width=400, cells=6, codes=3)
    path = tmp_path / "scan.png"
    Image.fromarray(s.image).save(path)
    result = digitise(path, s.gcps, s.legend, method="projective", rows=64)
    assert result.transform.method == "projective"
    assert {z.code for z in result.zones} == set(s.legend.codes)


def test_digitise_rejects_bad_inputs(tmp_path):
    s = sheet()
    with pytest.raises(ValueError, match=r"method must be one of \('affine'"):
        digitise(s.image, s.gcps, s.legend, method="cubic")
    with pytest.raises(
        ValueError, match=r"style must be one of \('auto', 'filled', 'outline', 'pattern'\)"
    ):
        digitise(s.image, s.gcps, s.legend, style="hatched")
    outline = parse_legend({"zones": [{"code": "A", "fill": False}]})
    with pytest.raises(DigitiseError, match=r"style 'filled' needs filled legend entries"):
        digitise(s.image, s.gcps, outline, style="filled")
    (tmp_path / "bad.png").write_bytes(b"garbage")
    with pytest.raises(ScanReadError, match="cannot read scan"):
        digitise(tmp_path / "bad.png", s.gcps, s.legend)
    Image.fromarray(s.image).save(tmp_path / "big.png")
    with pytest.raises(ScanReadError, match="more than max_pixels"):
        digitise(tmp_path / "big.png", s.gcps, s.legend, max_pixels=10_000)
    collinear = type(s.gcps)(pixel=[[0, 0], [1, 1], [2, 2]], map=[[0, 0], [1, 1], [2, 2]])
    with pytest.raises(GeorefError):
        digitise(s.image, collinear, s.legend, method="affine")
    with pytest.raises(LegendError):
        parse_legend({"zones": [{"code": "A"}]})


def test_synthetic_sheet_truth_is_a_coverage_and_gcps_are_exact():
    s = make_sheet("faded", seed=5, height=200, width=300, cells=8, codes=4)
    union = shapely.union_all([g for _, g in s.truth])
    assert union.area == pytest.approx(200 * 300 * 0.25)
    assert sum(g.area for _, g in s.truth) == pytest.approx(union.area)
    assert np.ptp(s.gcps.map[:, 0]) == pytest.approx(300 * 0.5)
    with pytest.raises(
        ValueError,
        match=r"kind must be one of \('printed', 'faded', 'pencil', 'pattern', 'outline'\)",
    ):
        make_sheet("sepia")


def test_pattern_extent_is_the_frame_within_the_plan_extent():
    gcps = GroundControlPoints(pixel=[[0, 0], [10, 0], [0, 10]], map=[[0, 0], [10, 0], [0, -10]])
    fitted = fit_transform(gcps, method="affine")
    frame = MapFrame(np.array([[2, 0], [10, 0], [10, 10], [2, 10]], float), 0.0)
    assert _pattern_extent(None, fitted, (10, 10), None) is None
    framed = _pattern_extent(None, fitted, (10, 10), frame)
    assert framed is not None and framed.sum() == 80 and not framed[:, :2].any()
    both = _pattern_extent(shapely.box(0, -5, 10, 0), fitted, (10, 10), frame)
    assert both is not None and both.sum() == 40 and not both[5:].any()
    astray = _pattern_extent(shapely.box(0, -10, 2, 0), fitted, (10, 10), frame)
    assert astray is not None and astray.sum() == 20  # the given extent outranks the frame


def test_an_extent_off_the_scan_is_named_as_the_problem():
    sheet = make_sheet("pattern", height=200, width=260, cells=4, codes=3)
    with pytest.raises(DigitiseError, match=r"the extent does not overlap the scan.*map's CRS"):
        digitise(
            sheet.image, sheet.gcps, sheet.legend, method="affine", extent=shapely.box(0, 0, 10, 10)
        )
