import pytest
import shapely

from gis.scoring import score_zones

TRUTH = [("A", shapely.box(0, 0, 10, 10)), ("B", shapely.box(10, 0, 20, 10))]


def test_score_perfect_match():
    score = score_zones(TRUTH, TRUTH)
    assert score.mean_iou == 1.0 and score.accuracy == 1.0 and score.polygon_ratio == 1.0
    assert score.boundary_mean == 0.0 and score.boundary_f1 == {0.5: 1.0, 1.0: 1.0, 2.0: 1.0}
    assert (score.gap_area, score.overlap_area, score.missing_area, score.valid) == (0, 0, 0, True)


def test_score_shifted_boundary_and_overlap():
    guess = [("A", shapely.box(0, 0, 12, 10)), ("B", shapely.box(10, 0, 20, 10))]
    score = score_zones(guess, TRUTH)
    assert score.iou["A"] == pytest.approx(100 / 120)
    assert score.overlap_area == pytest.approx(20) and not score.valid
    assert score.boundary_f1[0.5] < 1.0 and score.boundary_f1[2.0] == 1.0


def test_score_gaps_and_missing_area():
    guess = [
        ("A", shapely.box(0, 0, 10, 10).difference(shapely.box(2, 2, 3, 3))),
        ("B", shapely.box(10, 0, 19, 10)),
    ]
    score = score_zones(guess, TRUTH)
    assert score.gap_area == pytest.approx(1) and score.missing_area == pytest.approx(11)
