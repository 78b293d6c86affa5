import math

import pytest
import shapely

from gis.scoring import find_junctions, score_zones

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


# A and B below, C and D above, the C/D border offset from the A/B one: two interior triple
# points, (5, 10) (A, C, D) and (10, 10) (A, B, D), and four tees on the frame.
FOUR = [
    ("A", shapely.box(0, 0, 10, 10)),
    ("B", shapely.box(10, 0, 20, 10)),
    ("C", shapely.box(0, 10, 5, 20)),
    ("D", shapely.box(5, 10, 20, 20)),
]


def test_find_junctions_counts_triple_points_and_frame_tees():
    nodes = find_junctions([g for _, g in FOUR]).tolist()
    assert nodes == [[0.0, 10.0], [5.0, 10.0], [5.0, 20.0], [10.0, 0.0], [10.0, 10.0], [20.0, 10.0]]
    assert find_junctions([]).shape == (0, 2)
    assert find_junctions([shapely.box(0, 0, 1, 1)]).shape == (0, 2)  # one zone: none


def test_score_junctions_perfect_match():
    score = score_zones(FOUR, FOUR)
    assert (score.junctions_true, score.junctions_predicted, score.junctions_matched) == (2, 2, 2)
    assert score.junction_rms == 0.0


def test_score_junction_rms_of_a_known_shift():
    # C/D border moved 0.3 right, A/B border 0.4 left: the junctions move by 0.3 and 0.4
    guess = [
        ("A", shapely.box(0, 0, 9.6, 10)),
        ("B", shapely.box(9.6, 0, 20, 10)),
        ("C", shapely.box(0, 10, 5.3, 20)),
        ("D", shapely.box(5.3, 10, 20, 20)),
    ]
    score = score_zones(guess, FOUR)
    assert score.junctions_matched == 2
    assert score.junction_rms == pytest.approx(math.sqrt((0.3**2 + 0.4**2) / 2))


def test_score_junctions_beyond_the_radius_are_unmatched():
    guess = [
        ("A", shapely.box(0, 0, 10, 10)),
        ("B", shapely.box(10, 0, 20, 10)),
        ("C", shapely.box(0, 10, 13, 20)),
        ("D", shapely.box(13, 10, 20, 20)),
    ]  # the C/D junction moves 8 to (13, 10); (10, 10) is still a junction
    score = score_zones(guess, FOUR, junction_radius=2.0)
    assert (score.junctions_true, score.junctions_matched) == (2, 1)
    assert score.junction_rms == 0.0
    one = [("A", shapely.box(0, 0, 20, 20))]
    assert math.isnan(score_zones(one, FOUR).junction_rms)  # no junction predicted
